/**
 * The chat page: conversation list, thread, composer and settings. State lives here; the SDK is
 * reached only through chat-engine.ts.
 */
import type { SessionSummary } from "@oaikit/sessions";
import {
  adviseError,
  type Conversation,
  createClient,
  type DisplayMessage,
  deleteConversation,
  type ErrorAdvice,
  exportConversations,
  importConversations,
  listConversations,
  openConversation,
  type ReplyHandle,
  renameConversation,
  type SyncStatus,
  titleOf,
  type Usage,
  useSync,
  watchConversations,
} from "./chat-engine.ts";
import { h, icon } from "./dom.ts";
import { renderMarkdown } from "./markdown.ts";
import {
  type ApiKind,
  effectiveTarget,
  LOCAL_SYNC_TOKEN,
  LOCAL_SYNC_URL,
  loadKey,
  loadSettings,
  PRESETS,
  type Settings,
} from "./settings.ts";
import { openSettingsDialog } from "./settings-dialog.ts";

interface LiveReply {
  handle: ReplyHandle;
  text: string;
  /** History length when the reply started: the reply will take this index. */
  index: number;
}

/** The page controller. */
export class ChatApp {
  readonly root: HTMLElement;
  settings: Settings = loadSettings();
  key = loadKey();
  client = createClient({ apiKey: "", ...effectiveTarget(this.settings, this.key) });
  conversations: SessionSummary[] = [];
  current: Conversation | undefined;
  live: LiveReply | undefined;
  /** Usage per conversation id and message index (reported during this page's life). */
  usage = new Map<string, Map<number, Usage>>();
  /** The last error per conversation id, shown under its thread until the next send. */
  errors = new Map<string, ErrorAdvice>();
  editing: number | undefined;
  renaming: string | undefined;
  #unwatchCurrent: (() => void) | undefined;
  #unwatchList: (() => void) | undefined;
  #renderQueued = false;
  /**
   * The switch to another conversation in progress (New chat, a click in the list, a settings change),
   * if any. Until it settles, `current` is the conversation being closed: a message sent to it would
   * live in memory only (a closed session stores nothing) and vanish when the new one is shown.
   */
  #opening: Promise<void> | undefined;

  // Persistent elements.
  readonly sidebar = h("aside", { class: "sidebar", "aria-label": "Conversations" });
  readonly list = h("nav", { class: "conv-list" });
  readonly title = h("h1", { class: "chat-title" });
  readonly badge = h("button", { class: "target-badge", type: "button", title: "Settings" });
  readonly notice = h("div", { class: "notice", role: "status" });
  readonly thread = h("section", {
    class: "thread",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Messages",
  });
  readonly input = h("textarea", {
    class: "composer-input",
    rows: 1,
    placeholder: "Message the model…",
    "aria-label": "Message",
  });
  readonly sendButton = h("button", { class: "send", type: "submit", "aria-label": "Send" }, icon("send"));
  readonly fileInput = h("input", { type: "file", accept: "application/json,.json", hidden: true });
  readonly syncStatus = h("p", { class: "sync-status", role: "status", hidden: true });

  constructor(root: HTMLElement) {
    this.root = root;
    this.client = this.#makeClient();
    this.#layout();
  }

  #makeClient() {
    return createClient({ apiKey: this.key, ...effectiveTarget(this.settings, this.key) });
  }

  /** Loads the list, opens the most recent conversation, and starts listening to other tabs. */
  async start(): Promise<void> {
    this.#applySync();
    await this.refreshList();
    const first = this.conversations[0];
    if (first) await this.open(first.id, first.kind);
    else await this.newConversation();
    this.render();
    this.input.focus();
  }

  async refreshList(): Promise<void> {
    this.conversations = await listConversations();
    this.#renderList();
    // The header shows the list's title of the open conversation (a rename, in this tab or another).
    this.#renderHeader();
  }

  async newConversation(): Promise<void> {
    if (this.live) return;
    // Focus the composer at once: what is typed right after the click lands there, and a send waits
    // for the new conversation (see send()).
    this.input.focus();
    await this.open(crypto.randomUUID(), this.settings.api);
  }

  /**
   * Shows another conversation. Switches run one after another (two at once would both close the
   * same conversation and leave one of the new ones open unseen); `#opening` tells send() to wait.
   */
  async open(id: string, kind: ApiKind): Promise<void> {
    const previous = this.#opening;
    const opening = previous
      ? previous.catch(() => {}).then(() => this.#switchTo(id, kind))
      : this.#switchTo(id, kind);
    this.#opening = opening;
    try {
      await opening;
    } finally {
      if (this.#opening === opening) this.#opening = undefined;
    }
  }

  async #switchTo(id: string, kind: ApiKind): Promise<void> {
    if (this.live) return;
    this.#unwatchCurrent?.();
    this.#unwatchCurrent = undefined;
    try {
      await this.current?.close();
      const target = effectiveTarget(this.settings, this.key);
      this.current = await openConversation(this.client, id, kind, target.model);
    } catch (error) {
      // The old conversation is closed (or half closed): never leave it as the target of a send.
      this.current = undefined;
      throw error;
    }
    this.editing = undefined;
    this.#unwatchCurrent = this.current.onChange(() => {
      if (this.current?.busy || this.live) return;
      void this.current?.refresh().then(() => this.render());
    });
    this.root.classList.remove("drawer-open");
    this.render();
  }

  /** Reopens the current conversation with a new client (after a settings change). */
  async applySettings(settings: Settings, key: string): Promise<void> {
    const syncChanged = settings.sync !== this.settings.sync;
    this.settings = settings;
    this.key = key;
    this.client = this.#makeClient();
    if (syncChanged) {
      this.#applySync();
      await this.refreshList();
    }
    if (this.current) await this.open(this.current.id, this.current.kind);
    this.render();
  }

  /** Turns sync to the local server on or off (settings), and watches the list through the store in use. */
  #applySync(): void {
    const labels: Record<SyncStatus, string> = {
      idle: "Synced with the local server",
      syncing: "Syncing…",
      offline: "Local server unreachable: changes are kept here and sent later",
      error: "Sync failed (see the console); retrying",
    };
    this.syncStatus.hidden = !this.settings.sync;
    useSync(this.settings.sync ? { url: LOCAL_SYNC_URL, token: LOCAL_SYNC_TOKEN } : undefined, (status) => {
      this.syncStatus.textContent = labels[status];
      this.syncStatus.dataset.status = status;
    });
    this.#unwatchList?.();
    this.#unwatchList = watchConversations(() => {
      void this.refreshList();
    });
  }

  // ------------------------------------------------------------------ replies

  #start(start: (onText: (t: string) => void, onUsage: (u: Usage) => void) => ReplyHandle): void {
    const conversation = this.current;
    // While another conversation opens, `current` is being closed: nothing it generated would be stored.
    if (!conversation || this.live || this.#opening) return;
    this.errors.delete(conversation.id);
    const usage = this.usage.get(conversation.id) ?? new Map<number, Usage>();
    this.usage.set(conversation.id, usage);
    let index = -1;
    const handle = start(
      (text) => {
        if (this.live) this.live.text = text;
        this.#queueRender();
      },
      (u) => {
        if (this.live) usage.set(this.live.index, u);
      },
    );
    // The user message (if any) is appended synchronously: the reply takes the next index.
    index = conversation.messages().length;
    this.live = { handle, text: "", index };
    this.render();
    void handle.done.then(({ error }) => {
      this.live = undefined;
      if (error !== undefined) {
        const advice = adviseError(error, effectiveTarget(this.settings, this.key).baseURL);
        if (advice.kind !== "stopped") this.errors.set(conversation.id, advice);
        else if (conversation.messages().at(-1)?.role === "user") {
          // Stopped before the first word: nothing to keep, say so.
          this.errors.set(conversation.id, advice);
        }
      }
      this.render();
      void this.refreshList();
      if (this.current === conversation) this.input.focus();
    });
  }

  async send(): Promise<void> {
    // Right after New chat (or a click in the list) the new conversation may not exist yet: wait for
    // it, with the text still in the composer, rather than send into the one being closed.
    while (this.#opening) await this.#opening.catch(() => {});
    const text = this.input.value.trim();
    if (!text || !this.current || this.live) return;
    this.input.value = "";
    this.#autosize();
    const conversation = this.current;
    this.#start((onText, onUsage) => conversation.send(text, onText, onUsage));
  }

  stop(): void {
    this.live?.handle.abort();
  }

  regenerate(): void {
    const conversation = this.current;
    if (!conversation || this.live || this.#opening) return;
    this.#start((onText, onUsage) => conversation.regenerate(onText, onUsage));
  }

  resendEdited(index: number, text: string): void {
    const conversation = this.current;
    if (!conversation || this.live || this.#opening || !text.trim()) return;
    this.editing = undefined;
    this.#start((onText, onUsage) => conversation.edit(index, text.trim(), onText, onUsage));
  }

  // ------------------------------------------------------------------ rendering

  #queueRender(): void {
    if (this.#renderQueued) return;
    this.#renderQueued = true;
    requestAnimationFrame(() => {
      this.#renderQueued = false;
      this.#renderLive();
    });
  }

  #layout(): void {
    const newButton = h(
      "button",
      { class: "new-chat", type: "button", onclick: () => void this.newConversation() },
      icon("plus"),
      "New chat",
    );
    const exportButton = h(
      "button",
      {
        class: "ghost",
        type: "button",
        onclick: () => void this.#export(),
        title: "Export all conversations as JSON",
      },
      icon("download"),
      "Export",
    );
    const importButton = h(
      "button",
      {
        class: "ghost",
        type: "button",
        onclick: () => this.fileInput.click(),
        title: "Import conversations from JSON",
      },
      icon("upload"),
      "Import",
    );
    const settingsButton = h(
      "button",
      { class: "ghost", type: "button", onclick: () => this.#openSettings() },
      icon("settings"),
      "Settings",
    );
    this.fileInput.addEventListener("change", () => void this.#import());
    this.badge.addEventListener("click", () => this.#openSettings());
    this.sidebar.append(
      h("div", { class: "brand" }, h("span", { class: "logo" }, "oa"), h("span", {}, "oaikit demo")),
      newButton,
      this.list,
      this.syncStatus,
      h("div", { class: "sidebar-footer" }, exportButton, importButton, settingsButton, this.fileInput),
    );

    const menu = h(
      "button",
      {
        class: "icon-button menu",
        type: "button",
        "aria-label": "Conversations",
        onclick: () => this.root.classList.toggle("drawer-open"),
      },
      icon("menu"),
    );
    const composer = h(
      "form",
      {
        class: "composer",
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (this.live) this.stop();
          else void this.send();
        },
      },
      h("div", { class: "composer-box" }, this.input, this.sendButton),
      h(
        "p",
        { class: "composer-hint" },
        "Enter sends · Shift+Enter new line · Esc stops. Replies are generated by the server you choose in Settings.",
      ),
    );
    this.input.addEventListener("input", () => this.#autosize());
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (!this.live) void this.send();
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.live) {
        event.preventDefault();
        this.stop();
      }
    });
    const main = h(
      "main",
      { class: "chat" },
      h("header", { class: "topbar" }, menu, this.title, this.badge),
      this.notice,
      this.thread,
      composer,
    );
    const scrim = h("div", { class: "scrim", onclick: () => this.root.classList.remove("drawer-open") });
    this.root.append(this.sidebar, scrim, main);
  }

  #autosize(): void {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 220)}px`;
  }

  render(): void {
    this.#renderList();
    this.#renderHeader();
    this.#renderThread();
    const busy = Boolean(this.live);
    this.sendButton.replaceChildren(icon(busy ? "stop" : "send"));
    this.sendButton.setAttribute("aria-label", busy ? "Stop" : "Send");
    this.sendButton.classList.toggle("stop", busy);
    this.root.classList.toggle("busy", busy);
  }

  #renderHeader(): void {
    const summary = this.conversations.find((c) => c.id === this.current?.id);
    // The list knows the title once the store has it (and after a rename); until then (the first
    // reply streaming, or failed) it comes from the first message, as the store will title it.
    const derived = this.current ? titleOf(this.current) : "";
    this.title.textContent = summary?.title || derived || "New conversation";
    const target = effectiveTarget(this.settings, this.key);
    const preset = target.fallback ? PRESETS.local : PRESETS[this.settings.preset];
    const api = (this.current?.kind ?? this.settings.api) === "chat" ? "Chat Completions" : "Responses";
    // The text in its own element: an ellipsis needs a block box to cut, which a bare text node in a
    // flex container does not get.
    const label = `${preset.label} · ${target.model} · ${api}`;
    this.badge.replaceChildren(h("span", { class: "dot" }), h("span", { class: "badge-label" }, label));
    // A narrow window cuts the label: the whole of it on hover.
    this.badge.title = `${label} (Settings)`;
    this.notice.replaceChildren();
    this.notice.hidden = true;
    if (target.fallback) {
      this.notice.hidden = false;
      this.notice.append(
        `No API key set for ${PRESETS[this.settings.preset].label}: using the local demo server. `,
        h("button", { class: "link", type: "button", onclick: () => this.#openSettings() }, "Add a key"),
      );
    }
  }

  #renderList(): void {
    const items = this.conversations.map((c) => {
      const active = c.id === this.current?.id;
      if (this.renaming === c.id) {
        const field = h("input", {
          class: "rename-input",
          value: c.title,
          "aria-label": "Conversation title",
        });
        const finish = async (save: boolean) => {
          if (this.renaming !== c.id) return;
          this.renaming = undefined;
          if (save && field.value.trim() && field.value.trim() !== c.title) {
            await renameConversation(c.id, field.value.trim());
            await this.refreshList();
          }
          this.render();
        };
        field.addEventListener("keydown", (e) => {
          if (e.key === "Enter") void finish(true);
          if (e.key === "Escape") {
            e.stopPropagation();
            void finish(false);
          }
        });
        field.addEventListener("blur", () => void finish(true));
        queueMicrotask(() => {
          field.focus();
          field.select();
        });
        return h("div", { class: "conv active" }, field);
      }
      return h(
        "div",
        { class: `conv${active ? " active" : ""}`, dataset: { id: c.id } },
        h(
          "button",
          {
            class: "conv-open",
            type: "button",
            "aria-current": active ? "page" : undefined,
            onclick: () => void this.open(c.id, c.kind),
          },
          h("span", { class: "conv-title" }, c.title || "Untitled"),
          c.kind === "responses" ? h("span", { class: "kind" }, "Responses") : null,
        ),
        h(
          "span",
          { class: "conv-actions" },
          h(
            "button",
            {
              class: "icon-button",
              type: "button",
              title: "Rename",
              "aria-label": `Rename ${c.title}`,
              onclick: () => {
                this.renaming = c.id;
                this.#renderList();
              },
            },
            icon("rename"),
          ),
          h(
            "button",
            {
              class: "icon-button",
              type: "button",
              title: "Delete",
              "aria-label": `Delete ${c.title}`,
              onclick: () => void this.#delete(c),
            },
            icon("trash"),
          ),
        ),
      );
    });
    if (items.length === 0) items.push(h("p", { class: "empty-list" }, "No conversations yet."));
    this.list.replaceChildren(...items);
  }

  #renderThread(): void {
    const conversation = this.current;
    const nodes: Node[] = [];
    const messages = conversation?.messages() ?? [];
    if (messages.length === 0 && !this.live) {
      nodes.push(this.#welcome());
    }
    const lastAssistant = [...messages].reverse().find((m) => m.role === "assistant")?.index;
    for (const message of messages) {
      nodes.push(
        this.#message(message, message.index === lastAssistant && message.index === messages.at(-1)?.index),
      );
    }
    if (this.live) nodes.push(this.#liveBubble());
    const advice = conversation ? this.errors.get(conversation.id) : undefined;
    if (advice && !this.live) nodes.push(this.#errorCard(advice));
    const atBottom = this.thread.scrollHeight - this.thread.scrollTop - this.thread.clientHeight < 80;
    this.thread.replaceChildren(h("div", { class: "thread-inner" }, ...nodes));
    if (atBottom || this.live) this.thread.scrollTop = this.thread.scrollHeight;
  }

  #renderLive(): void {
    const bubble = this.thread.querySelector(".message.live .content");
    if (!bubble || !this.live) return;
    bubble.innerHTML = renderMarkdown(this.live.text);
    this.thread.scrollTop = this.thread.scrollHeight;
  }

  #welcome(): HTMLElement {
    const suggestions = [
      "Explain server-sent events in two sentences",
      "Write some TypeScript code that retries a fetch",
      "What is the weather in Paris?",
    ];
    return h(
      "div",
      { class: "welcome" },
      h("h2", {}, "What can I help with?"),
      h(
        "p",
        {},
        "Replies stream from the server set in Settings. With no key, the bundled local server answers (offline, deterministic).",
      ),
      h(
        "div",
        { class: "suggestions" },
        ...suggestions.map((s) =>
          h(
            "button",
            {
              type: "button",
              class: "suggestion",
              onclick: () => {
                this.input.value = s;
                void this.send();
              },
            },
            s,
          ),
        ),
      ),
    );
  }

  #message(message: DisplayMessage, isLastReply: boolean): HTMLElement {
    const usage = this.current ? this.usage.get(this.current.id)?.get(message.index) : undefined;
    const role = message.role;
    if (role === "user" && this.editing === message.index) return this.#editor(message);
    const content = h("div", { class: "content" });
    if (role === "assistant") {
      content.innerHTML = renderMarkdown(message.text);
      this.#decorateCode(content);
    } else {
      content.textContent = message.text;
    }
    const actions = h("div", { class: "actions" });
    actions.append(this.#copyButton(message.text));
    if (role === "user") {
      actions.append(
        h(
          "button",
          {
            class: "icon-button",
            type: "button",
            title: "Edit and resend",
            "aria-label": "Edit",
            disabled: Boolean(this.live),
            onclick: () => {
              this.editing = message.index;
              this.render();
            },
          },
          icon("edit"),
        ),
      );
    }
    if (role === "assistant" && isLastReply) {
      actions.append(
        h(
          "button",
          {
            class: "icon-button",
            type: "button",
            title: "Regenerate",
            "aria-label": "Regenerate",
            disabled: Boolean(this.live),
            onclick: () => this.regenerate(),
          },
          icon("retry"),
        ),
      );
    }
    const meta: (string | HTMLElement)[] = [];
    if (message.state === "incomplete") {
      const why =
        message.reason === "aborted"
          ? "Stopped"
          : message.reason === "interrupted"
            ? "Interrupted (the page was closed while it streamed)"
            : message.reason === "truncated"
              ? "Cut off"
              : "Incomplete (error)";
      meta.push(h("span", { class: "tag warn" }, why));
    }
    if (message.state === "streaming") meta.push(h("span", { class: "tag" }, "Streaming in another tab…"));
    if (usage) {
      meta.push(
        h(
          "span",
          { class: "usage", title: "Token usage reported by the server" },
          `${usage.input} in · ${usage.output} out · ${usage.total} tokens`,
        ),
      );
    }
    return h(
      "article",
      {
        class: `message ${role}${message.state !== "complete" ? " incomplete" : ""}`,
        dataset: { index: String(message.index) },
      },
      role === "assistant" ? h("div", { class: "avatar", "aria-hidden": "true" }, "AI") : null,
      h(
        "div",
        { class: "bubble-wrap" },
        message.toolCall ? h("pre", { class: "tool-call" }, `Tool call: ${message.toolCall}`) : null,
        message.text || !message.toolCall ? h("div", { class: "bubble" }, content) : null,
        h("div", { class: "meta" }, ...meta, actions),
      ),
    );
  }

  #liveBubble(): HTMLElement {
    const content = h("div", { class: "content" });
    if (this.live?.text) content.innerHTML = renderMarkdown(this.live.text);
    return h(
      "article",
      { class: "message assistant live", "aria-busy": "true" },
      h("div", { class: "avatar", "aria-hidden": "true" }, "AI"),
      h(
        "div",
        { class: "bubble-wrap" },
        h(
          "div",
          { class: "bubble" },
          content,
          h("span", { class: "typing", "aria-label": "Typing" }, h("i"), h("i"), h("i")),
        ),
        h(
          "div",
          { class: "meta" },
          h(
            "button",
            { class: "stop-inline", type: "button", onclick: () => this.stop() },
            icon("stop"),
            "Stop",
          ),
        ),
      ),
    );
  }

  #editor(message: DisplayMessage): HTMLElement {
    const field = h("textarea", { class: "edit-input", rows: 3, "aria-label": "Edit message" });
    field.value = message.text;
    const save = () => this.resendEdited(message.index, field.value);
    const cancel = () => {
      this.editing = undefined;
      this.render();
    };
    field.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        save();
      }
      if (e.key === "Escape") {
        e.stopPropagation();
        cancel();
      }
    });
    queueMicrotask(() => field.focus());
    return h(
      "article",
      { class: "message user editing" },
      h(
        "div",
        { class: "bubble-wrap" },
        field,
        h(
          "div",
          { class: "edit-actions" },
          h("button", { type: "button", class: "ghost", onclick: cancel }, "Cancel"),
          h("button", { type: "button", class: "primary", onclick: save }, "Save & send"),
        ),
        h("p", { class: "edit-note" }, "Sending replaces this message and drops everything after it."),
      ),
    );
  }

  #errorCard(advice: ErrorAdvice): HTMLElement {
    return h(
      "div",
      { class: `error-card ${advice.kind}`, role: "alert" },
      h("strong", {}, advice.title),
      h("p", { class: "error-detail" }, advice.detail),
      h("p", { class: "error-hint" }, advice.hint),
      h(
        "div",
        { class: "error-actions" },
        h(
          "button",
          { type: "button", class: "primary", onclick: () => this.regenerate() },
          icon("retry"),
          "Retry",
        ),
        advice.kind === "auth" || advice.kind === "request" || advice.kind === "network"
          ? h(
              "button",
              { type: "button", class: "ghost", onclick: () => this.#openSettings() },
              "Open settings",
            )
          : null,
      ),
    );
  }

  #copyButton(text: string): HTMLElement {
    const button = h(
      "button",
      { class: "icon-button", type: "button", title: "Copy", "aria-label": "Copy" },
      icon("copy"),
    );
    button.addEventListener("click", async () => {
      await copyText(text);
      button.classList.add("done");
      button.title = "Copied";
      setTimeout(() => {
        button.classList.remove("done");
        button.title = "Copy";
      }, 1200);
    });
    return button;
  }

  /** Adds a language label and a copy button to each rendered code block. */
  #decorateCode(root: HTMLElement): void {
    for (const pre of root.querySelectorAll("pre")) {
      const code = pre.querySelector("code");
      const lang = /language-([\w-]+)/.exec(code?.className ?? "")?.[1] ?? "text";
      const copy = h("button", { type: "button", class: "code-copy" }, "Copy");
      copy.addEventListener("click", async () => {
        await copyText(code?.textContent ?? pre.textContent ?? "");
        copy.textContent = "Copied";
        setTimeout(() => {
          copy.textContent = "Copy";
        }, 1200);
      });
      const head = h("div", { class: "code-head" }, h("span", {}, lang), copy);
      pre.before(head);
      const block = h("div", { class: "code-block" });
      head.before(block);
      block.append(head, pre);
    }
  }

  // ------------------------------------------------------------------ list actions

  async #delete(c: SessionSummary): Promise<void> {
    if (this.live && c.id === this.current?.id) return;
    if (!confirm(`Delete "${c.title || "Untitled"}"? This cannot be undone.`)) return;
    await deleteConversation(c.id);
    this.usage.delete(c.id);
    this.errors.delete(c.id);
    await this.refreshList();
    if (c.id === this.current?.id) {
      const next = this.conversations[0];
      if (next) await this.open(next.id, next.kind);
      else await this.newConversation();
    }
    this.render();
  }

  async #export(): Promise<void> {
    const json = await exportConversations();
    const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    const link = h("a", {
      href: url,
      download: `oaikit-conversations-${new Date().toISOString().slice(0, 10)}.json`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  async #import(): Promise<void> {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = "";
    if (!file) return;
    try {
      const added = await importConversations(await file.text());
      await this.refreshList();
      this.#toast(`Imported ${added} conversation${added === 1 ? "" : "s"}.`);
    } catch (error) {
      this.#toast(error instanceof Error ? error.message : String(error), true);
    }
  }

  #toast(text: string, bad = false): void {
    const toast = h("div", { class: `toast${bad ? " bad" : ""}`, role: "status" }, text);
    this.root.append(toast);
    setTimeout(() => toast.remove(), bad ? 8000 : 3000);
  }

  #openSettings(): void {
    openSettingsDialog(this.settings, this.key, (settings, key) => void this.applySettings(settings, key));
  }
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API refused (no permission, insecure context): the old way.
    const area = h("textarea", { style: "position:fixed;opacity:0" });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}
