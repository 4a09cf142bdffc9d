/** QR codes as inline SVG (no script, no image request): for otpauth:// enrolment URIs. */
import QRCode from 'qrcode';

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}
