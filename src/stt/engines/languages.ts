/**
 * Whisper-family APIs answer `verbose_json` with the language's English name ("english"), while our
 * Transcript carries ISO 639-1 codes. These are the languages Whisper knows, by name.
 */
const NAMES =
  'en english,zh chinese,de german,es spanish,ru russian,ko korean,fr french,ja japanese,pt portuguese,tr turkish,' +
  'pl polish,ca catalan,nl dutch,ar arabic,sv swedish,it italian,id indonesian,hi hindi,fi finnish,vi vietnamese,' +
  'he hebrew,uk ukrainian,el greek,ms malay,cs czech,ro romanian,da danish,hu hungarian,ta tamil,no norwegian,' +
  'th thai,ur urdu,hr croatian,bg bulgarian,lt lithuanian,la latin,mi maori,ml malayalam,cy welsh,sk slovak,' +
  'te telugu,fa persian,lv latvian,bn bengali,sr serbian,az azerbaijani,sl slovenian,kn kannada,et estonian,' +
  'mk macedonian,br breton,eu basque,is icelandic,hy armenian,ne nepali,mn mongolian,bs bosnian,kk kazakh,' +
  'sq albanian,sw swahili,gl galician,mr marathi,pa punjabi,si sinhala,km khmer,sn shona,yo yoruba,so somali,' +
  'af afrikaans,oc occitan,ka georgian,be belarusian,tg tajik,sd sindhi,gu gujarati,am amharic,yi yiddish,lo lao,' +
  'uz uzbek,fo faroese,ht haitian creole,ps pashto,tk turkmen,nn nynorsk,mt maltese,sa sanskrit,lb luxembourgish,' +
  'my myanmar,bo tibetan,tl tagalog,mg malagasy,as assamese,tt tatar,haw hawaiian,ln lingala,ha hausa,' +
  'ba bashkir,jv javanese,su sundanese,yue cantonese'

const BY_NAME = new Map<string, string>()
for (const entry of NAMES.split(',')) {
  const [code, ...name] = entry.split(' ')
  BY_NAME.set(name.join(' '), code)
}
// Aliases seen from Whisper's own tokenizer and from servers that pass names through.
for (const [alias, code] of Object.entries({
  burmese: 'my',
  valencian: 'ca',
  flemish: 'nl',
  haitian: 'ht',
  letzeburgesch: 'lb',
  pushto: 'ps',
  panjabi: 'pa',
  moldavian: 'ro',
  moldovan: 'ro',
  sinhalese: 'si',
  castilian: 'es',
  mandarin: 'zh'
})) {
  BY_NAME.set(alias, code)
}

/** "English" -> "en", "en" -> "en", "en-US" -> "en"; anything unknown comes back lower-cased. */
export function toLanguageCode(value: string | undefined, fallback = 'und'): string {
  const v = value?.trim().toLowerCase()
  if (!v) return fallback
  if (BY_NAME.has(v)) return BY_NAME.get(v)!
  const code = v.split(/[-_]/)[0]
  return /^[a-z]{2,3}$/.test(code) ? code : v
}
