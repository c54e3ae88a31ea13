// pressbook serve: pages that update themselves when a file is saved, and the Build button.
"use strict";

const token = document.querySelector('meta[name="pressbook-token"]')?.content;

// Saved files: an article page reloads its preview and its problems when its own file, or
// anything it is made with (a layout, a picture, pressbook.toml), changes; other pages reload.
const changes = new EventSource("/events");
changes.addEventListener("changed", async (event) => {
  const changed = JSON.parse(event.data).changed || [];
  const main = document.querySelector("main");
  const file = main?.dataset.file;
  if (file && !changed.some((path) => path === file || !path.endsWith(".md"))) {
    return;
  }
  const response = await fetch(location.href, { cache: "no-store" });
  if (!response.ok) {
    return;
  }
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("main");
  if (!fresh || !main) {
    return;
  }
  const frame = main.querySelector("iframe.preview");
  for (const part of main.querySelectorAll("[data-live]")) {
    const twin = fresh.querySelector(`[data-live="${part.dataset.live}"]`);
    if (twin) {
      part.replaceWith(twin);
    }
  }
  if (frame) {
    frame.contentWindow.location.replace(frame.src.split("#")[0]);
  }
});

// Build: POST with the page's token, then follow the build's own events.
const button = document.querySelector("button[data-build]");
button?.addEventListener("click", async () => {
  const status = document.querySelector("#build-status");
  button.disabled = true;
  status.textContent = button.dataset.building;
  const body = new URLSearchParams({ token });
  const response = await fetch(button.dataset.build, { method: "POST", body });
  if (!response.ok) {
    status.textContent = `${response.status}`;
    button.disabled = false;
    return;
  }
  const started = await response.json();
  const progress = new EventSource(started.events);
  progress.onmessage = (event) => {
    const said = JSON.parse(event.data);
    if (said.stage) {
      status.textContent = `${button.dataset.building} ${said.stage} ${said.count}/${said.total}`;
    }
    if (said.done) {
      progress.close();
      button.disabled = false;
      status.textContent = button.dataset.built;
      const list = document.querySelector("#build-files");
      list.replaceChildren();
      for (const file of said.files || []) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = file.href;
        link.textContent = file.name;
        item.append(link);
        list.append(item);
      }
      for (const problem of said.problems || []) {
        const item = document.createElement("li");
        item.className = "error";
        item.textContent = problem;
        list.append(item);
      }
    }
  };
});
