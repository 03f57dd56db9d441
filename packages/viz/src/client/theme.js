// Light or dark: the system's preference, until the reader picks one (remembered when
// the page may use storage; a file:// page may not).
const KEY = "pipewright-viz-theme";

export function wireTheme(button) {
  const root = document.documentElement;
  let stored = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    // No storage: follow the system.
  }
  root.dataset.theme =
    stored ?? (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  button.addEventListener("click", () => {
    const next = root.dataset.theme === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // The choice is just not remembered.
    }
  });
}
