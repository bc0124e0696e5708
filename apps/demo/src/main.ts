import "./styles.css";
import { ChatApp } from "./app.ts";

const root = document.getElementById("app");
if (!root) throw new Error("index.html must have an element with id=app.");
root.classList.add("app");
const app = new ChatApp(root);
app.start().catch((error: unknown) => {
  root.textContent = `The demo could not start: ${error instanceof Error ? error.message : String(error)}`;
  console.error(error);
});
// For the end-to-end tests and for curious users in the console.
(globalThis as { oaikitDemo?: ChatApp }).oaikitDemo = app;
