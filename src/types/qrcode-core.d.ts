// qrcode's symbol encoder without its renderers (the package root also loads pngjs and canvas code).
declare module 'qrcode/lib/core/qrcode.js' {
  interface BitMatrix {
    size: number;
    data: Uint8Array;
  }
  interface QRSymbol {
    modules: BitMatrix;
    version: number;
  }
  export function create(text: string, options?: { errorCorrectionLevel?: string }): QRSymbol;
}
