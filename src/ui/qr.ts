/** QR codes as inline SVG (no script, no image request): for otpauth:// enrolment URIs. */
// Loaded by the first enrolment page rather than at start (a node serving tokens never draws one).
export async function qrSvg(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}
