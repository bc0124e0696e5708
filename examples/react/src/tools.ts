import { tool } from "@oaikit/core/tools";
import * as z from "zod";

/** Two tools the model may call at once (the demo server calls both when a message names them). */
export const weatherTools = [
  tool({
    name: "get_weather",
    description: "The current weather in a city",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      await new Promise((resolve) => setTimeout(resolve, 300)); // a slow service: the step shows meanwhile
      return { city, celsius: 21, conditions: "sunny" };
    },
  }),
  tool({
    name: "get_time",
    description: "The local time in a city",
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => `12:00 in ${city}`,
  }),
];
