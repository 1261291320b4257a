import type { EmotionLabel } from './types.js'

export type CueLabel = Exclude<EmotionLabel, 'neutral'>
export type CueWeights = Partial<Record<CueLabel, number>>

/**
 * Words and phrases that point at one of the labels, written after contraction expansion
 * ("don't" is matched as "do not"); `*` stands for any one word. Weights are hand-set: about 2
 * for an explicit self-report ("i am furious"), 1 for a typical marker, under 0.5 for hedges
 * that only add up. AFINN already scores single words for polarity; this list is about which
 * emotion a negative or positive utterance carries, which AFINN cannot tell.
 */
export const LEXICON: [string, CueWeights][] = [
  // happy: high-arousal positive
  ['happy', { happy: 1.5 }], ['glad', { happy: 1.2 }], ['delighted', { happy: 1.8 }], ['thrilled', { happy: 1.8 }],
  ['excited', { happy: 1.5 }], ['wonderful', { happy: 1.2 }], ['amazing', { happy: 1.2 }], ['awesome', { happy: 1.2 }],
  ['fantastic', { happy: 1.2 }], ['brilliant', { happy: 1 }], ['love', { happy: 1.2 }], ['yay', { happy: 1.5 }],
  ['made my day', { happy: 1.5 }], ['can not wait', { happy: 1 }], ['so happy', { happy: 0.5 }],
  // satisfied: calm positive, mostly thanks and agreement
  ['thank you', { satisfied: 1.2 }], ['thanks', { satisfied: 1.2 }], ['thank you so much', { satisfied: 0.5, happy: 0.5 }],
  ['appreciate', { satisfied: 1.2 }], ['helpful', { satisfied: 1 }], ['satisfied', { satisfied: 1.8 }], ['pleased', { satisfied: 1.2 }],
  ['that works', { satisfied: 1.2 }], ['sounds good', { satisfied: 1.2 }], ['that helps', { satisfied: 1.2 }],
  ['all set', { satisfied: 1 }], ['resolved', { satisfied: 0.8 }], ['fixed', { satisfied: 0.5 }], ['perfect', { satisfied: 1 }],
  ['great', { satisfied: 0.6, happy: 0.4 }], ['good', { satisfied: 0.6 }], ['fine', { satisfied: 0.4 }], ['makes sense', { satisfied: 0.8 }],
  // angry: hostility, blame, escalation
  ['furious', { angry: 2 }], ['angry', { angry: 2 }], ['livid', { angry: 2 }], ['outraged', { angry: 2 }], ['mad', { angry: 1.2 }],
  ['unacceptable', { angry: 1.5 }], ['ridiculous', { angry: 0.6, frustrated: 0.6 }], ['this is ridiculous', { angry: 0.6, frustrated: 0.4 }],
  ['absurd', { angry: 0.8, frustrated: 0.4 }], ['hate', { angry: 1.5 }], ['disgusting', { angry: 1.5 }], ['pathetic', { angry: 1.5 }],
  ['incompetent', { angry: 1.5 }], ['worst', { angry: 1, frustrated: 0.5 }], ['scam', { angry: 1.5 }], ['lawyer', { angry: 1 }],
  ['how dare', { angry: 2 }], ['speak to * manager', { angry: 1.2, frustrated: 0.5 }], ['sick of', { angry: 1, frustrated: 1 }],
  ['damn', { angry: 1 }], ['shut up', { angry: 2 }],
  // frustrated: negative, blocked, repeated effort
  ['frustrated', { frustrated: 2 }], ['frustrating', { frustrated: 2 }], ['annoyed', { frustrated: 1.5 }], ['annoying', { frustrated: 1.5 }],
  ['fed up', { frustrated: 1.5, angry: 0.5 }], ['useless', { frustrated: 1.2, angry: 0.5 }], ['still not', { frustrated: 1 }],
  ['does not work', { frustrated: 1 }], ['not working', { frustrated: 1 }], ['nobody', { frustrated: 0.6 }], ['no one', { frustrated: 0.6 }],
  ['nobody fixed', { frustrated: 1 }], ['* times', { frustrated: 0.4 }], ['over and over', { frustrated: 1.2 }], ['yet again', { frustrated: 1.2 }],
  ['waste of time', { frustrated: 1.5 }], ['been waiting', { frustrated: 1.2 }], ['on hold', { frustrated: 0.8 }], ['for hours', { frustrated: 0.8 }],
  ['every time', { frustrated: 0.6 }], ['never works', { frustrated: 1.5 }], ['disappointed', { frustrated: 1, sad: 0.5 }],
  ['upset', { frustrated: 0.8, sad: 0.6 }], ['makes no sense', { frustrated: 0.6, confused: 1 }],
  // confused: not understanding, asking for repair
  ['confused', { confused: 2 }], ['confusing', { confused: 1.5 }], ['puzzled', { confused: 1.5 }], ['unclear', { confused: 1 }],
  ['i do not understand', { confused: 2 }], ['do not get it', { confused: 1.5 }], ['what do you mean', { confused: 2 }],
  ['how does * work', { confused: 1.5 }], ['does not make sense', { confused: 1.5 }], ['i am lost', { confused: 1.5 }],
  ['not sure', { confused: 1 }], ['no idea', { confused: 1 }], ['explain', { confused: 0.8 }], ['say that again', { confused: 1 }],
  ['repeat that', { confused: 1 }], ['pardon', { confused: 0.8 }], ['huh', { confused: 1 }], ['wait what', { confused: 1.2 }],
  ['maybe', { confused: 0.3 }], ['i guess', { confused: 0.4 }], ['kind of', { confused: 0.2 }], ['sort of', { confused: 0.2 }],
  ['um', { confused: 0.3 }], ['uh', { confused: 0.3 }], ['hmm', { confused: 0.5 }],
  // sad: loss, low-arousal negative
  ['sad', { sad: 2 }], ['unhappy', { sad: 1.5 }], ['depressed', { sad: 2 }], ['miserable', { sad: 1.5 }], ['heartbroken', { sad: 2 }],
  ['devastated', { sad: 2 }], ['lonely', { sad: 1.5 }], ['hopeless', { sad: 1.5 }], ['grief', { sad: 2 }], ['grieving', { sad: 2 }],
  ['cry', { sad: 1.5 }], ['crying', { sad: 1.5 }], ['tears', { sad: 1 }], ['died', { sad: 1.5 }], ['passed away', { sad: 2 }],
  ['death', { sad: 1 }], ['miss him', { sad: 1.2 }], ['miss her', { sad: 1.2 }], ['unfortunately', { sad: 0.5 }], ['sorry for your loss', { sad: 1.5 }]
]

/** Words that flip the next few words: "not happy" is no evidence of happiness. */
export const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'neither', 'nor', 'hardly', 'without'])
