/**
 * Masks personal data a learner may say aloud or type: e-mail addresses, card numbers (13-19 digits
 * passing the Luhn check, spaces or dashes allowed) and phone numbers. Applied to every prompt sent to
 * a chat model and to every transcript exported (reports, API answers meant for other systems).
 */
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g
const DIGIT_RUN = /\+?\d[\d\s().-]{7,}\d/g
// A recogniser writes spoken digits as words: seven or more in a row is a phone or card number read aloud.
const SPOKEN_DIGITS = /\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double)\s+){6,}(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b/gi

function luhn(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

export function maskPii(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(SPOKEN_DIGITS, '[number]')
    .replace(DIGIT_RUN, (run) => {
      const digits = run.replace(/\D/g, '')
      if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return '[card number]'
      if (digits.length >= 7 && digits.length <= 15) return '[phone number]'
      return run
    })
}
