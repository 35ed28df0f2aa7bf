/** The QR code of an `otpauth://` URI as an inline PNG (data: URL); qrcode is loaded on first use. */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 1, width: 220 });
}
