// The messages between the page (rpc.js) and the analytics worker
// (worker.js), as types: what each request takes and answers, the progress
// it reports, and the error it fails with. Both sides annotate with these and
// `tsc --checkJs` (www/tsconfig.json, run by scripts/test.sh) checks them, so
// that a field renamed on one side is an error on the other. Every message is
// a plain object cloned by postMessage (Files are cloned by reference).
//
//   page → worker   WorkerRequest      { id, type, params }
//   worker → page   ProgressMessage    { id, type: "progress", stage, message, done?, total?, file? }
//                   ResultMessage      { id, type: "result", ok: true, value }
//                                    | { id, type: "result", ok: false, error: WireError }
//
// Requests are handled one at a time, in the order they arrive. The engine's
// own types (OwnInsights, Relationship, LoadReport, …) come from its
// declarations, www/pkg/rapport.d.ts.

/**
 * @typedef {import("./pkg/rapport.js").ConsentFlags} ConsentFlags
 * @typedef {import("./pkg/rapport.js").LoadReport} LoadReport
 * @typedef {import("./pkg/rapport.js").EngineStats} EngineStats
 * @typedef {import("./pkg/rapport.js").OwnInsights} OwnInsights
 * @typedef {import("./pkg/rapport.js").Relationship} Relationship
 * @typedef {import("./pkg/rapport.js").Activity} Activity
 * @typedef {import("./pkg/rapport.js").RelationshipSummary} RelationshipSummary
 * @typedef {import("./pkg/rapport.js").WhoKnowsWhom} WhoKnowsWhom
 * @typedef {import("./pkg/rapport.js").IntroductionPath} IntroductionPath
 * @typedef {import("./pkg/rapport.js").AggregateTable} AggregateTable
 * @typedef {import("./pkg/rapport.js").NoiseOptions} NoiseOptions
 * @typedef {import("./pkg/rapport.js").Target} Target
 * @typedef {import("./pkg/rapport.js").ScopeName} ScopeName
 */

// ---------------------------------------------------------------- shared values

/**
 * What became of the copy stored in IndexedDB: rewritten, deleted because it
 * could not be rewritten, or neither (nothing could be written or deleted).
 * @typedef {"saved" | "deleted" | "failed"} Stored
 */

/**
 * Whose interactions a relationship view counts: the viewer's own (no consent
 * needed) or everyone's (the `identifiable` scope).
 * @typedef {"own" | "team"} DataScope
 */

/**
 * A person or account offered by the team view's selector.
 * @typedef {{ id: string, name: string | null }} Choice
 */

/** @typedef {Choice & { account: string | null }} ContactChoice */

/**
 * An error as it crosses: the engine's code and message, and what the engine
 * (or the worker, for a file) says of where it is.
 * @typedef {object} WireError
 * @property {string} name
 * @property {string} code          an ErrorCode of the engine, or the worker's (NOT_READY, UNKNOWN_REQUEST, INTERNAL)
 * @property {string} message
 * @property {ScopeName} [scope]     CONSENT_REQUIRED: the scope missing
 * @property {number} [index]        a record's index: in the file, for a file the worker read
 * @property {string} [field]
 * @property {string} [reason]
 * @property {string} [option]       INVALID_OPTIONS: the option at fault
 * @property {string} [file]         the file the error is in
 * @property {number} [line]         NDJSON: the 1-based line
 * @property {number} [page]         Graph: the 1-based page
 */

// ---------------------------------------------------------------- load: the demo or the stored copy

/**
 * @typedef {object} LoadParams
 * @property {number} seed            the demo's seed
 * @property {number} interactions    the demo's size
 * @property {ConsentFlags} consent
 * @property {number} [epsilonBudget] what the engine's noisy aggregates may spend together (the engine's default 10)
 * @property {boolean} [requireNoise]  the deployment's noise policy (the engine's `requireNoise`)
 * @property {MessagePort | null} [generator]  a demo generator the page started (demo-generator.js), transferred;
 *   handed over only when the page found no database of ours in this browser, so nothing stored to reopen
 */

/**
 * The consent in force, as the host (the demo's administrator, worker/admin.js)
 * granted it: a signed token's scopes and expiry, or nothing beyond "own".
 * @typedef {{ kind: "token" | "none", expiresAt: string | null, aggregated: boolean, identifiable: boolean }} ConsentStatus
 */

/**
 * The user's files a stored record came from (see FileReport).
 * @typedef {{ name: string, size: number, kind: FileKind }} StoredFile
 */

/**
 * What the page's status line and team view need of any load.
 * @typedef {object} LoadedBase
 * @property {Stored | null} stored
 * @property {string} viewer
 * @property {string[]} internalDomains
 * @property {string} now                  the reference time the figures are for (RFC 3339)
 * @property {number} seed
 * @property {number} requested            the demo size asked for
 * @property {EngineStats} stats
 * @property {Choice[]} contacts           the viewer's own top external counterparts
 * @property {ConsentStatus} consent       the consent in force
 * @property {boolean} requireNoise
 */

/**
 * The demo, generated and loaded (then stored).
 * @typedef {LoadedBase & {
 *   source: "demo", dataset: "demo",
 *   discarded: { code: string, message: string } | null,
 *   people: LoadReport,
 *   interactions: LoadReport,
 *   timings: { generatedMs: number, loadedMs: number },
 * }} DemoLoad
 */

/**
 * The snapshot kept in IndexedDB for the same demo, or of the user's files
 * (`dataset: "files"`, reopened whatever the demo asked for).
 * @typedef {LoadedBase & {
 *   source: "stored", dataset: "demo" | "files",
 *   files: StoredFile[] | undefined, loadedAt: string | null | undefined,
 *   savedAt: string,
 *   people: LoadReport | undefined,
 *   othersMissing: boolean,
 *   restricted: boolean,
 *   consentEnded: string | null,
 *   purged: boolean,
 *   reloaded: LoadReport | null,
 *   timings: { openedMs: number },
 * }} StoredLoad
 * `reloaded`: stored after a purge and opened under consent, the demo's
 * interactions were loaded again; `othersMissing`: the same for the user's
 * files, which are not kept; `restricted`: stored with others' interactions
 * and opened without consent to them, the copy was rewritten at once with only
 * the viewer's own (`stored` says how that went); `consentEnded`: the
 * stored token no longer grants (expired): its reason, and the stored copy
 * was rewritten with only the viewer's own interactions.
 */

/** @typedef {DemoLoad | StoredLoad} LoadResult */

// ---------------------------------------------------------------- loadFiles: the user's files

/** @typedef {"people" | "interactions" | "graph" | "empty"} FileKind */
/** @typedef {"json" | "ndjson" | "json-object" | "csv"} FileSyntax */

/**
 * @typedef {object} LoadFilesParams
 * @property {File[]} files
 * @property {string} viewer
 * @property {string[] | string} [internalDomains]  default: the domain of the viewer's address
 * @property {number} [now]                         the reference time, epoch ms; default the clock
 * @property {boolean} [lenient]
 * @property {ConsentFlags} consent               the scopes the administrator grants the new viewer
 * @property {boolean} [requireNoise]
 * @property {number} [epsilonBudget]
 * @property {Uint8Array | null} [optOuts]          the "optOuts" answer of the worker holding the data shown
 */

/**
 * A bad record of a file: the engine's RecordError with `index` counted from
 * the file's start, and where that is (worker/ingest.js locateError).
 * @typedef {import("./pkg/rapport.js").RecordError & { file?: string, line?: number, page?: number, message?: string }} LocatedError
 */

/**
 * What one file held and what became of it. `messages` and `events` are the
 * e-mails and meetings the engine read from a Graph file (its LoadReport's
 * `emails` and `meetings`), 0 for other files.
 * @typedef {Omit<LoadReport, "errors"> & {
 *   errors: LocatedError[],
 *   name: string, size: number, kind: FileKind, syntax: FileSyntax,
 *   graph: "pages" | "items" | null,
 *   pages: number, messages: number, events: number, chunks: number,
 * }} FileReport
 */

/**
 * @typedef {object} FilesResult
 * @property {"files"} dataset
 * @property {string} viewer
 * @property {string[]} internalDomains
 * @property {string} now
 * @property {string} loadedAt
 * @property {boolean} lenient
 * @property {FileReport[]} files
 * @property {LoadReport} people          the people files' reports, summed
 * @property {LoadReport} interactions    the other files', summed
 * @property {EngineStats} stats
 * @property {Choice[]} contacts
 * @property {ConsentStatus} consent
 * @property {{ loadedMs: number }} timings
 */

// ---------------------------------------------------------------- consent and opt-outs

/**
 * @typedef {object} ConsentResult
 * @property {ConsentStatus} consent
 * @property {boolean} purged            both scopes withdrawn: others' interactions were deleted
 * @property {LoadReport | null} reloaded  the demo's interactions, loaded again for the consent granted
 * @property {boolean} othersMissing     granted, but others' interactions of the user's files are gone
 * @property {Stored} stored
 * @property {EngineStats} stats
 */

/** @typedef {{ personId: string, stored: Stored, stats: EngineStats }} OptOutResult */

// ---------------------------------------------------------------- queries

/**
 * The team view's selector: `frequent`, the viewer's own top external
 * counterparts; `accounts` and `contacts`, every one the relationship
 * summaries list in `scope` (team once identifiable is granted), by name.
 * @typedef {object} Targets
 * @property {DataScope} scope
 * @property {Choice[]} frequent
 * @property {Choice[]} accounts
 * @property {ContactChoice[]} contacts
 */

/**
 * A contact or an account: `{ target }`, or a bare `{ contact }` / `{ account }`.
 * @typedef {{ target?: Target | null, contact?: string, account?: string }} TargetParams
 */

/** @typedef {{ target: string, maxHops: number, paths: IntroductionPath[] }} IntroductionPaths */

// ---------------------------------------------------------------- the requests

/**
 * Every request: its params and what it answers.
 * @typedef {object} Requests
 * @property {{ params: LoadParams, result: LoadResult }} load
 * @property {{ params: LoadFilesParams, result: FilesResult }} loadFiles
 *   a new engine for the files, which replaces this worker's only once every file loaded
 * @property {{ params: {}, result: { stored: Stored } }} commitLoad
 *   stores the engine's snapshot: the files loaded replace the stored data
 * @property {{ params: {}, result: { optOuts: Uint8Array } }} optOuts
 *   the opt-outs made in this browser, as one-way digests (Engine.exportOptOuts)
 * @property {{ params: { days?: number }, result: OwnInsights }} ownInsights
 * @property {{ params: ConsentFlags & { days?: number }, result: ConsentResult }} setConsent
 *   the demo administrator grants `flags` for `days` by a signed token (none: a
 *   withdrawal); the stored copy is rewritten (or deleted) before the answer
 * @property {{ params: {}, result: { stored: Stored } }} store
 *   stores the data shown now (a first load of the demo answers before storing)
 * @property {{ params: {}, result: {} }} forget
 *   deletes the IndexedDB database
 * @property {{ params: { personId: string }, result: OptOutResult }} optOut
 *   Engine.optOut (SPEC 4.3); the stored copy is rewritten (or deleted) before the answer
 * @property {{ params: {}, result: Targets }} targets
 * @property {{ params: TargetParams & { scope?: DataScope, days?: number }, result: Relationship }} relationship
 * @property {{ params: TargetParams & { scope?: DataScope, days?: number, limit?: number, before?: string }, result: Activity }} activity
 *   the interactions behind a relationship's figures, newest first, a page at a time
 * @property {{ params: { level?: "account" | "contact", scope?: DataScope, days?: number }, result: RelationshipSummary[] }} relationshipSummaries
 * @property {{ params: TargetParams & { top?: number }, result: WhoKnowsWhom }} whoKnowsWhom
 * @property {{ params: { contact?: string, top?: number, maxHops?: number }, result: IntroductionPaths }} introductionPaths
 * @property {{ params: { groupBy?: "department" | "account", period?: "week" | "month", noise?: NoiseOptions | null, days?: number }, result: AggregateTable }} aggregates
 *   each new noisy answer spends `noise.epsilon` of the engine's budget; a
 *   repeated one is answered from cache at no cost
 */

/** @typedef {keyof Requests} RequestType */

/**
 * @template {RequestType} T
 * @typedef {Requests[T]["params"]} Params
 */

/**
 * @template {RequestType} T
 * @typedef {Requests[T]["result"]} Result
 */

// ---------------------------------------------------------------- the messages

/**
 * @template {RequestType} [T=RequestType]
 * @typedef {{ id: number, type: T, params: Params<T> }} WorkerRequest
 */

/**
 * What a request reports while it runs; `done` and `total` in bytes of the files being loaded.
 * @typedef {object} Progress
 * @property {string} stage
 * @property {string} message
 * @property {number} [done]
 * @property {number} [total]
 * @property {string} [file]
 */

/** @typedef {Progress & { id: number, type: "progress" }} ProgressMessage */

/**
 * @typedef {{ id: number, type: "result", ok: true, value: unknown }
 *         | { id: number, type: "result", ok: false, error: WireError }} ResultMessage
 */

/** @typedef {ProgressMessage | ResultMessage} WorkerMessage */

/**
 * How a request handler reports progress.
 * @callback Report
 * @param {string} stage
 * @param {string} message
 * @param {{ done?: number, total?: number, file?: string }} [extra]
 * @returns {void}
 */

/**
 * A request's handler in the worker.
 * @template {RequestType} T
 * @callback Handler
 * @param {Params<T>} params
 * @param {Report} progress
 * @returns {Result<T> | Promise<Result<T>>}
 */

/** @typedef {{ [T in RequestType]: Handler<T> }} Handlers */

export {};
