// wabox as a library: the pure domain functions (phone numbers, links, placeholders, QR codes).
export { type ErrorKind, WaboxError } from './core/errors.js';
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
