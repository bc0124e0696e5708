// React alone: react-dom/client rendering one component. The floor of both React chat pages below.
import { createElement, useState } from "react";
import { createRoot } from "react-dom/client";

function Page() {
  const [count, setCount] = useState(0);
  return createElement("button", { type: "button", onClick: () => setCount(count + 1) }, String(count));
}

export function run(element) {
  createRoot(element).render(createElement(Page));
}
