/**
 * Where the real speech comes from: recordings that Debian packages ship, grouped by the person speaking.
 * Sex is read from the median pitch of each speaker (measured once: women 160-225 Hz, men 70-140 Hz)
 * and left out where the pitch did not settle it. The asterisk-core-sounds-* recordings are deliberately
 * absent: they are kept as an independent check that nothing here was tuned on. Two codec2 files that
 * sound like steady noise to an energy detector (david4, vk2tpm_004) are left out.
 *
 * Licences: pocketsphinx-testdata BSD-2-Clause, codec2-examples LGPL-2.1, alsa-utils GPL-2+, ktuberling-data
 * and klettres-data GPL-2+ (all Debian main).
 */

import type { Split } from './manifest.js'

export type { Split }

export interface SourceFile {
  /** path inside the package */
  path: string
  /** headerless 16-bit little-endian PCM at this rate, when the file has no header */
  raw?: number
  text?: string
  /** overrides the speaker's split for this one clip */
  split?: Split
}

/** Every .ogg or .wav file of a folder inside the package, in name order, as untranscribed clips. */
export interface SourceFolder {
  path: string
  /** file names (without extension) to take; all when absent */
  only?: RegExp
  /** file names (without extension) to leave out */
  except?: RegExp
}

export interface Speaker {
  id: string
  sex?: 'female' | 'male'
  package: string
  /** 'wide' speakers were recorded at 16 kHz or more; 'narrow' ones at 8 kHz */
  band: 'wide' | 'narrow'
  /** the split of the conversations this voice takes part in */
  split: Split
  /** BCP 47; absent means English. Other languages carry no text, so word error rates never count them */
  language?: string
  files: SourceFile[]
  folders?: SourceFolder[]
}

const PS = 'usr/share/pocketsphinx/test/data'
const C2 = 'usr/share/codec2'
const librivox = (n: string, text: string, split: Split): SourceFile => ({
  path: `${PS}/librivox/sense_and_sensibility_01_austen_64kb-${n}.wav`,
  text,
  split
})
const alsa = (name: string): SourceFile => ({ path: `usr/share/sounds/alsa/${name}.wav`, text: name.replace('_', ' ').toLowerCase() })
const codec2 = (name: string): SourceFile => ({ path: `${C2}/wav/${name}.wav` })
const codec2Raw = (name: string): SourceFile => ({ path: `${C2}/raw/${name}.raw`, raw: 8000 })

/*
 * Children's games spoken by their translators, one word or letter a file, each language a different
 * person. A folder whose per-file pitch had two clear modes holds two people: ktuberling's Russian and
 * Catalan themes were recorded by a man and a woman, told apart by theme (medians 124-140 Hz against
 * 205-219 Hz, and 143-164 Hz against 254-271 Hz); the Catalan moon and xmas themes (about 221 Hz) may be a
 * third person or the same woman, so they are left out. Left out for the same doubt: ktuberling's English,
 * Danish and Lithuanian (pitch spread over two modes within themes), Galician and klettres' Portuguese,
 * Arabic and Setswana (above 260 Hz: perhaps children), klettres' German (alpha a woman, syllables a man),
 * klettres' Ukrainian and Russian, which may be the ktuberling women of the same language, its Hebrew (170 Hz
 * settles nothing) and Danish (stored at 128 kHz), and ktuberling's French (8 kHz, 100-240 Hz). The other
 * ktuberling folders hold under 15 s each.
 */
const KT = 'usr/share/ktuberling/sounds'
const KL = 'usr/share/klettres'
const ktuberling = (language: string, sex: 'female' | 'male', split: Split, pick: Omit<SourceFolder, 'path'> = {}, tag = language): Speaker => ({
  id: `ktuberling-${tag}`,
  sex,
  package: 'ktuberling-data',
  band: 'wide',
  split,
  language,
  files: [],
  folders: [{ path: `${KT}/${language}`, ...pick }]
})
const klettres = (language: string, sex: 'female' | 'male', split: Split, parts = ['alpha', 'syllab']): Speaker => ({
  id: `klettres-${language.toLowerCase().replace('_', '')}`,
  sex,
  package: 'klettres-data',
  band: 'wide',
  split,
  language: language.replace('_', '-'),
  files: [],
  folders: parts.map((part) => ({ path: `${KL}/${language}/${part}` }))
})
// The five original tv items of ktuberling's Russian were said by the man, the other tv items by the woman.
const RU_WOMAN = /^(tux-|xmas_|tv_(?!(bicycle|car|cyclist|train|tree)$))|-tux$/
const CA_WOMAN = /^(egypt|tv|patata|butterflies|robot)_/
const CA_THIRD = /^(egypt|tv|patata|butterflies|robot|moon|xmas)_/

export const speakers: Speaker[] = [
  {
    id: 'librivox-austen',
    sex: 'male',
    package: 'pocketsphinx-testdata',
    band: 'wide',
    split: 'dev',
    files: [
      librivox('0870', 'and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them', 'dev'),
      librivox('0880', 'he was not an ill disposed young man', 'dev'),
      librivox('0890', 'unless to be rather cold hearted and rather selfish is to be ill disposed', 'dev'),
      librivox('0920', 'had he married a more a amiable woman he might have been made still more respectable than he was', 'heldout'),
      librivox('0930', 'he might even have been made amiable himself', 'heldout')
    ]
  },
  {
    id: 'sphinx-cards',
    sex: 'male',
    package: 'pocketsphinx-testdata',
    band: 'wide',
    split: 'heldout',
    files: [
      { path: `${PS}/cards/001.wav`, text: 'ten of clubs', split: 'dev' },
      { path: `${PS}/cards/002.wav`, text: 'four queen of clubs', split: 'dev' },
      { path: `${PS}/cards/003.wav`, text: 'seven of clubs', split: 'dev' },
      { path: `${PS}/cards/004.wav`, text: 'five five' },
      { path: `${PS}/cards/005.wav`, text: 'eight of spades four of clubs seven of hearts' }
    ]
  },
  {
    id: 'sphinx-numbers',
    sex: 'male',
    package: 'pocketsphinx-testdata',
    band: 'wide',
    split: 'dev',
    files: [{ path: `${PS}/numbers.raw`, raw: 16000 }]
  },
  // Recorded apart from numbers.raw, maybe by someone else: never in a conversation with it, whose truth
  // would otherwise rest on a guess.
  { id: 'sphinx-something', sex: 'male', package: 'pocketsphinx-testdata', band: 'wide', split: 'dev', files: [{ path: `${PS}/something.raw`, raw: 16000 }] },
  {
    id: 'sphinx-dhd',
    sex: 'male',
    package: 'pocketsphinx-testdata',
    band: 'wide',
    split: 'heldout',
    files: [{ path: `${PS}/tidigits/dhd.2934z.raw`, raw: 16000, text: 'two nine three four zero' }]
  },
  // Pitch near 280 Hz: a woman's or a child's voice, or a pitch-tracking error; kept out of conversations.
  {
    id: 'sphinx-goforward',
    package: 'pocketsphinx-testdata',
    band: 'wide',
    split: 'dev',
    files: [{ path: `${PS}/goforward.raw`, raw: 16000, text: 'go forward ten meters' }]
  },
  {
    id: 'alsa-channels',
    sex: 'female',
    package: 'alsa-utils',
    band: 'wide',
    split: 'dev',
    files: ['Front_Center', 'Front_Left', 'Front_Right', 'Rear_Center', 'Rear_Left', 'Rear_Right', 'Side_Left', 'Side_Right'].map(alsa)
  },
  { id: 'codec2-speech16k', sex: 'female', package: 'codec2-examples', band: 'wide', split: 'heldout', files: [{ path: `${C2}/raw/speech_orig_16k.wav` }] },
  { id: 'codec2-hts1', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'dev', files: [codec2Raw('hts1')] },
  { id: 'codec2-hts2', sex: 'female', package: 'codec2-examples', band: 'narrow', split: 'dev', files: [codec2Raw('hts2')] },
  { id: 'codec2-forig', sex: 'female', package: 'codec2-examples', band: 'narrow', split: 'heldout', files: [codec2('forig')] },
  { id: 'codec2-morig', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'heldout', files: [codec2('morig')] },
  { id: 'codec2-mmt1', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'dev', files: [codec2('mmt1')] },
  { id: 'codec2-cross', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'dev', files: [codec2('cross')] },
  { id: 'codec2-bigdog', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'heldout', files: [codec2('big_dog')] },
  { id: 'codec2-kristoff', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'dev', files: [codec2Raw('kristoff')] },
  { id: 'codec2-vk5qi', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'dev', files: [codec2('vk5qi')] },
  { id: 'codec2-cqref', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'heldout', files: [codec2Raw('cq_ref')] },
  { id: 'codec2-g3plx', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'heldout', files: [codec2Raw('g3plx')] },
  { id: 'codec2-ve9qrp', sex: 'male', package: 'codec2-examples', band: 'narrow', split: 'heldout', files: [codec2('ve9qrp')] },
  // median pitch 214 Hz, 142 s of speech
  ktuberling('uk', 'female', 'heldout'),
  ktuberling('ru', 'female', 'dev', { only: RU_WOMAN }, 'ru_woman'),
  ktuberling('ru', 'male', 'heldout', { except: RU_WOMAN }, 'ru_man'),
  ktuberling('ca', 'female', 'dev', { only: CA_WOMAN }, 'ca_woman'),
  ktuberling('ca', 'male', 'dev', { except: CA_THIRD }, 'ca_man'),
  ktuberling('de', 'male', 'dev'),
  ktuberling('el', 'male', 'heldout'),
  ktuberling('sl', 'male', 'heldout'),
  ktuberling('wa', 'male', 'heldout'),
  klettres('en_GB', 'female', 'dev'),
  klettres('cs', 'female', 'dev'),
  klettres('hu', 'male', 'dev'),
  klettres('en', 'male', 'dev'),
  klettres('it', 'female', 'heldout'),
  // 168-200 Hz, higher than any man reading letters here (110-140 Hz)
  klettres('es', 'female', 'heldout'),
  klettres('nl', 'female', 'heldout'),
  // 465 syllables are more than any call needs
  klettres('ml', 'male', 'heldout', ['alpha']),
  klettres('fr', 'male', 'heldout'),
  klettres('nds', 'male', 'heldout')
]

export interface ConversationPlan {
  id: string
  split: Split
  /** speaker ids; the first one opens the call */
  speakers: string[]
  /** also stitched at 16 kHz (every speaker is wideband); the telephone version is always made */
  wideband: boolean
}

const plan = (split: Split, wideband: boolean, ...ids: string[]): ConversationPlan => ({
  id: `${split}-${ids.length}spk-${ids.map((s) => s.split('-')[1]).join('-')}`,
  split,
  speakers: ids,
  wideband
})

/**
 * Only voices with at least 3 s of distinct speech take part (scripts/devset/build.ts checks it), and no
 * call repeats a piece of audio, so most calls are short: a voice's few sentences are said once. Held-out
 * calls pair voices that no dev call uses, except one wideband man (too few wideband voices). The first
 * calls of each split came before the ktuberling and klettres voices; later ones are appended, so the
 * earlier calls keep their seeds and come out the same.
 */
export const conversations: ConversationPlan[] = [
  plan('dev', true, 'librivox-austen', 'alsa-channels'),
  plan('dev', true, 'sphinx-numbers', 'alsa-channels'),
  plan('dev', false, 'codec2-hts1', 'codec2-hts2'),
  plan('dev', false, 'alsa-channels', 'codec2-hts2'),
  plan('dev', false, 'codec2-kristoff', 'codec2-hts1'),
  plan('dev', false, 'codec2-vk5qi', 'codec2-hts2'),
  plan('dev', false, 'codec2-kristoff', 'codec2-vk5qi'),
  plan('dev', false, 'librivox-austen', 'codec2-vk5qi'),
  plan('dev', true, 'librivox-austen', 'alsa-channels', 'sphinx-numbers'),
  plan('dev', false, 'alsa-channels', 'codec2-hts2', 'codec2-kristoff'),
  plan('dev', false, 'codec2-vk5qi', 'codec2-hts1', 'codec2-hts2'),
  plan('dev', false, 'librivox-austen', 'codec2-vk5qi', 'alsa-channels'),
  plan('heldout', true, 'sphinx-cards', 'codec2-speech16k'),
  plan('heldout', false, 'codec2-cqref', 'codec2-g3plx'),
  plan('heldout', false, 'codec2-g3plx', 'codec2-ve9qrp'),
  plan('heldout', false, 'codec2-speech16k', 'codec2-ve9qrp'),
  plan('heldout', false, 'codec2-cqref', 'codec2-speech16k'),
  plan('heldout', true, 'sphinx-cards', 'codec2-speech16k', 'sphinx-numbers'),
  plan('heldout', false, 'codec2-speech16k', 'codec2-cqref', 'codec2-ve9qrp'),
  plan('heldout', false, 'codec2-cqref', 'codec2-g3plx', 'codec2-ve9qrp'),
  plan('heldout', false, 'codec2-speech16k', 'codec2-g3plx', 'sphinx-cards'),
  plan('dev', true, 'ktuberling-ru_woman', 'ktuberling-ca_woman'),
  plan('dev', true, 'klettres-engb', 'klettres-cs'),
  plan('dev', true, 'ktuberling-ca_man', 'ktuberling-ru_woman'),
  plan('dev', true, 'ktuberling-de', 'klettres-engb'),
  plan('dev', true, 'klettres-hu', 'ktuberling-ca_woman'),
  plan('dev', true, 'klettres-en', 'ktuberling-de'),
  plan('dev', true, 'ktuberling-ru_woman', 'ktuberling-ca_woman', 'klettres-hu'),
  plan('dev', true, 'klettres-engb', 'ktuberling-de', 'klettres-cs'),
  plan('dev', true, 'ktuberling-ca_man', 'klettres-en', 'klettres-cs'),
  plan('dev', false, 'ktuberling-ca_woman', 'codec2-hts2'),
  plan('dev', false, 'klettres-hu', 'codec2-kristoff'),
  plan('heldout', true, 'ktuberling-uk', 'klettres-it'),
  plan('heldout', true, 'klettres-es', 'klettres-nl'),
  plan('heldout', true, 'ktuberling-uk', 'codec2-speech16k'),
  plan('heldout', true, 'ktuberling-el', 'ktuberling-uk'),
  plan('heldout', true, 'ktuberling-sl', 'klettres-es'),
  plan('heldout', true, 'klettres-ml', 'klettres-it'),
  plan('heldout', true, 'ktuberling-wa', 'klettres-nl'),
  plan('heldout', true, 'ktuberling-ru_man', 'klettres-fr'),
  plan('heldout', true, 'ktuberling-uk', 'klettres-it', 'ktuberling-el'),
  plan('heldout', true, 'klettres-es', 'klettres-nl', 'ktuberling-wa'),
  plan('heldout', true, 'ktuberling-uk', 'klettres-es', 'klettres-ml'),
  plan('heldout', true, 'klettres-it', 'klettres-nl', 'codec2-speech16k'),
  plan('heldout', true, 'ktuberling-sl', 'klettres-nds', 'ktuberling-ru_man'),
  plan('heldout', false, 'klettres-it', 'codec2-ve9qrp')
]
