// wabox as a library, what a Node script can use without the CLI: the domain functions (phone numbers,
// links, placeholders, QR codes, templates, business hours, the 24-hour window), the Cloud API client with
// its message builders and error taxonomy, and the SQLite message store.

export {
  type ChunkContext,
  type ChunkResult,
  chunkResult,
  contextFor,
  csvHeader,
  linkRows,
  processChunk,
  type Row,
  type RowNote,
  readChunk,
} from './batch/chunk.js';
export { createQrPool, type QrPool } from './batch/qr-pool.js';
export {
  type Chunk,
  type InputEncoding,
  MAX_RECORD_BYTES,
  type SplitOptions,
  splitChunks,
} from './batch/split.js';
export { createWorkerPool, type WorkerPool } from './batch/worker-pool.js';
export {
  type CallResult,
  type CallSpec,
  CloudClient,
  type CloudClientOptions,
  type MediaInfo,
  type MetaTemplate,
  type PhoneNumberInfo,
  type SendResult,
} from './cloud/client.js';
export { classify, ERROR_CODES, type ErrorCategory, type RetryPolicy } from './cloud/error-codes.js';
export { GraphError, type RequestInfo } from './cloud/errors.js';
export { checkMedia, inspectMediaFile, MEDIA_RULES, type MediaFile, type MediaKind } from './cloud/media.js';
export {
  buildMessage,
  buttonsMessage,
  contactsMessage,
  type Envelope,
  LIMITS,
  listMessage,
  locationMessage,
  type MessageContent,
  markReadPayload,
  mediaMessage,
  type OutgoingMessage,
  reactionMessage,
  templateMessage,
  textMessage,
} from './cloud/messages.js';
export { type BusinessProfile, parseBusinessProfile, profileUpdateBody } from './cloud/profile.js';
export { parseDuration } from './core/duration.js';
export { type ErrorKind, WaboxError } from './core/errors.js';
export {
  type BusinessHours,
  formatWeek,
  type HoursStatus,
  hoursStatus,
  isOpen,
  nextOpening,
  openIntervals,
  parseHoursSpec,
  parseInstant,
  validateTimeZone,
  type WeekSchedule,
} from './core/hours.js';
export { LABEL_MAX, normalizeAgent, normalizeLabel } from './core/label.js';
export {
  buildLink,
  composeText,
  containsRefTag,
  encodeText,
  extractRef,
  type LinkForm,
  type LinkParts,
  type ParsedLink,
  parseLink,
  REF_PATTERN,
  validateRef,
} from './core/link.js';
export {
  type ColumnMapping,
  checkTemplateValues,
  missingColumns,
  rowTemplateValues,
  type TemplateDefinition,
  type TemplateProblem,
  type TemplateShape,
  type TemplateValues,
  templateShape,
  type ValueSources,
} from './core/meta-template.js';
export { checkRate, type PacerOptions, SendPacer } from './core/pacing.js';
export {
  type NormalizedPhone,
  normalizePhone,
  type PhoneOptions,
  parseCountry,
  phoneTypeWarning,
} from './core/phone.js';
export {
  mapResolver,
  parseAssignments,
  parsePlaceholders,
  placeholderNames,
  renderPlaceholders,
} from './core/placeholders.js';
export {
  checkColors,
  contrastRatio,
  type ErrorCorrection,
  parseHexColor,
  type QrMatrix,
  qrMatrix,
  type RenderOptions,
  renderPng,
  renderSvg,
  renderTerminal,
} from './core/qr.js';
export { buildReport, type Report, type ReportInputs, type ReportOptions } from './core/report.js';
export { type ReportAssets, renderReportHtml } from './core/report-html.js';
export {
  formatSegment,
  parseSegment,
  positionalSql,
  type SegmentNode,
  segmentSql,
} from './core/segment.js';
export {
  checkTemplate,
  findAutoReply,
  findTemplate,
  type RenderContext,
  type RenderedTemplate,
  renderTemplate,
  TEMPLATE_KINDS,
  type Template,
  type TemplateKind,
  validateTemplate,
} from './core/template.js';
export { parseIsoTime, parseSince } from './core/time.js';
export { DEFAULT_API_VERSION, DEFAULT_GRAPH_URL, VERSION } from './core/version.js';
export { customerServiceWindow, WINDOW_MS, type WindowState } from './core/window.js';
export { openStore } from './store/open.js';
export { reportInputs } from './store/report.js';
export type { SqliteStore, SqliteStoreOptions } from './store/sqlite.js';
export type {
  ContactExport,
  ConversationFilter,
  ConversationRecord,
  ConversationStatus,
  Direction,
  ErasureCounts,
  ErasureRecord,
  ExportedMessage,
  InboundRecord,
  MessageError,
  MessageFilter,
  MessageRecord,
  MessageStatus,
  OutboundRecord,
  PurgeResult,
  SequencedMessage,
  SequenceFilter,
  StatusEventRecord,
  StatusRecord,
  Store,
  Thread,
  ThreadMessage,
} from './store/store.js';
