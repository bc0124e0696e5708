/** The settings dialog: provider preset, base URL, model, API, and the key (with its warning). */
import { createClient } from "@oaikit/core";
import { h, icon } from "./dom.ts";
import {
  type ApiKind,
  LOCAL_BASE_URL,
  PRESETS,
  type PresetId,
  type Settings,
  saveKey,
  saveSettings,
} from "./settings.ts";

/** Models of the local server worth trying, faults included. */
const LOCAL_MODELS = [
  "oaikit-local",
  "oaikit-local-slow",
  "fault:401",
  "fault:429",
  "fault:500",
  "fault:cut",
  "fault:stall",
  "fault:error-event",
];

/** Opens the dialog; `onSave` gets the new settings and key. */
export function openSettingsDialog(
  current: Settings,
  key: string,
  onSave: (settings: Settings, key: string) => void,
): void {
  const preset = h(
    "select",
    { id: "set-preset", name: "preset" },
    ...(Object.keys(PRESETS) as PresetId[]).map((id) =>
      h("option", { value: id, selected: id === current.preset }, PRESETS[id].label),
    ),
  );
  const baseURL = h("input", {
    id: "set-base",
    name: "baseURL",
    type: "url",
    value: current.baseURL,
    required: true,
  });
  const model = h("input", {
    id: "set-model",
    name: "model",
    value: current.model,
    list: "model-options",
    required: true,
  });
  const models = h("datalist", { id: "model-options" });
  const keyField = h("input", {
    id: "set-key",
    name: "key",
    type: "password",
    value: key,
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "sk-… (leave empty for the local server)",
  });
  const keep = h("input", { id: "set-keep", type: "checkbox", checked: current.keepKeyInTab });
  const sync = h("input", { id: "set-sync", type: "checkbox", checked: current.sync });
  const api = (value: ApiKind, label: string) =>
    h(
      "label",
      { class: "radio" },
      h("input", { type: "radio", name: "api", value, checked: current.api === value }),
      label,
    );

  const fillModels = () => {
    const id = preset.value as PresetId;
    const names = id === "local" ? LOCAL_MODELS : [PRESETS[id].model];
    models.replaceChildren(...names.map((n) => h("option", { value: n })));
  };
  preset.addEventListener("change", () => {
    const p = PRESETS[preset.value as PresetId];
    baseURL.value = p.baseURL;
    model.value = p.model;
    baseURL.readOnly = preset.value === "local";
    fillModels();
  });
  baseURL.readOnly = current.preset === "local";
  fillModels();

  const dialog = h(
    "dialog",
    { class: "settings", "aria-labelledby": "settings-title" },
    h(
      "form",
      { method: "dialog" },
      h(
        "header",
        {},
        h("h2", { id: "settings-title" }, "Settings"),
        h(
          "button",
          { class: "icon-button", value: "cancel", "aria-label": "Close", formnovalidate: true },
          icon("close"),
        ),
      ),
      h("label", { for: "set-preset" }, "Provider"),
      preset,
      h("label", { for: "set-base" }, "Base URL"),
      baseURL,
      h("label", { for: "set-model" }, "Model"),
      model,
      models,
      h(
        "p",
        { class: "help" },
        "Local server models include fault:401, fault:429, fault:cut… to see how errors look.",
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, "API (for new conversations)"),
        api("chat", "Chat Completions"),
        api("responses", "Responses"),
      ),
      h("label", { for: "set-key" }, "API key"),
      keyField,
      h("label", { class: "check" }, keep, "Keep the key in this tab until it closes (sessionStorage)"),
      h(
        "p",
        { class: "key-warning", role: "note" },
        h("strong", {}, "About your key: "),
        "it stays in this page's memory (or this tab's sessionStorage if ticked) and is sent only to the base URL above. ",
        "It is never saved to disk, IndexedDB or an export. Any script running on this page could read it, so use a key ",
        "with a spending limit, never a shared computer, and never put a key in a page you publish.",
      ),
      h("label", { class: "check" }, sync, "Sync conversations to the local server"),
      h(
        "p",
        { class: "help" },
        "Conversations stay in this browser (IndexedDB, works offline) and are copied to the demo server's ",
        "memory, so another browser or a private window with sync on shows them too. Changes made on two ",
        "sides are merged; when both edited, one version is kept as a “conflicted copy”.",
      ),
      h(
        "footer",
        {},
        h("button", { class: "ghost", value: "cancel", formnovalidate: true }, "Cancel"),
        h("button", { class: "primary", value: "save", id: "settings-save" }, "Save"),
      ),
    ),
  );
  // A key the SDK would refuse (a line break or other character a header cannot carry, from a bad
  // paste) is refused here, with the SDK's message (which never quotes the key), before saving.
  const checkKey = () => {
    let problem = "";
    try {
      createClient(keyField.value.trim() || undefined);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    keyField.setCustomValidity(problem);
  };
  keyField.addEventListener("input", checkKey);
  checkKey();
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "save") {
      const settings: Settings = {
        preset: preset.value as PresetId,
        baseURL: preset.value === "local" ? LOCAL_BASE_URL : baseURL.value.trim().replace(/\/+$/, ""),
        model: model.value.trim() || PRESETS[preset.value as PresetId].model,
        api: (dialog.querySelector<HTMLInputElement>("input[name=api]:checked")?.value as ApiKind) ?? "chat",
        keepKeyInTab: keep.checked,
        sync: sync.checked,
      };
      saveSettings(settings);
      saveKey(keyField.value.trim(), keep.checked);
      onSave(settings, keyField.value.trim());
    }
    dialog.remove();
  });
  document.body.append(dialog);
  dialog.showModal();
}
