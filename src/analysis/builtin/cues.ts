/**
 * Phrases that signal what a call is about, matched against lowercase, punctuation-free sentences
 * (see plainText). Kept as data so a missed phrasing is a one-line fix.
 */
export const CUES = {
  agentGreeting: [
    /\b(thank you|thanks) for (calling|contacting|holding)\b/,
    /\bthis is \w+( \w+)? (from|at|with) \w+/,
    /\byou'?ve reached\b/,
    /\bwelcome to \w+/,
    /\bhow (can|may|could) i (help|assist)\b/,
    /\bwhat can i do for you\b/,
    /\bis there anything else\b/,
    /\bcan i (have|get) your (name|account|number|email|phone)/,
    /\blet me (check|look|pull|see)\b/,
    /\bspeaking how\b/,
    // A business answering with its name and the agent's: "it help desk this is sam", "fitlife clubs jordan speaking".
    /^(hello |hi |good (morning|afternoon|evening) )?(\w+ ){1,5}(this is|you'?re speaking with) \w+$/,
    /^(hello |hi |good (morning|afternoon|evening) )?(\w+ ){1,5}\w+ speaking$/
  ],
  purchase: [
    /\b(buy|buying|purchase|purchasing|order|ordering|subscribe|subscribing|upgrade|upgrading)\b/,
    /\bsign (me )?up\b/,
    /\binterested in (the|your|a|getting|buying)\b/,
    /\bhow much (is|does|do|would|for)\b/,
    /\b(price|prices|pricing|cost|costs|quote)\b/,
    /\bi'?ll take (it|the|that|one)\b/,
    /\bi (want|would like|'d like) (the|a|to get) \w+ (plan|package|subscription|bundle|model|version)\b/
  ],
  sale: [
    /\b(order|purchase|subscription|payment) (is |has been )?(confirmed|placed|complete|completed|processed|went through|is active)\b/,
    /\byou'?re all set\b/,
    /\bwelcome aboard\b/,
    /\bi'?ll take (it|the|that|one)\b/,
    /\b(let'?s|go ahead and) (do it|do that|sign|proceed)\b/,
    /\byour order number\b/,
    /\b(card number|expiry date|expiration date)\b/,
    /\b(i|we) (just )?(bought|purchased|ordered)\b/
  ],
  complaint: [
    /\b(complain|complaint|complaining|unacceptable|ridiculous|outrageous|terrible|awful|horrible|worst|disgusting|useless|incompetent)\b/,
    /\b(angry|furious|livid|upset|frustrated|frustrating|disappointed|annoyed|fed up|sick of|sick and tired)\b/,
    /\b(overcharged|charged (me )?twice|double charged|wrong charge|never (arrived|came|showed up)|still (not|hasn't|haven't|doesn't))\b/,
    /\b(refund|money back|speak to (a|your) (manager|supervisor)|(third|fourth|fifth) time|waste of (time|money)|not happy|no one (ever )?(helps|called))\b/
  ],
  cancel: [
    /\b(cancel|cancelling|canceling|terminate|terminating)( my| the| our| this| it| service| subscription| account| contract| plan)\b/,
    /\b(want|like|need|going) to cancel\b/,
    /\bclose (my|our) account\b/,
    /\bend (my|our) (contract|subscription|plan)\b/,
    /\bunsubscribe\b/
  ],
  support: [
    /\b(not|isn'?t|doesn'?t|does not|won'?t|stopped|keeps?) (working|work|load|loading|connect|connecting|crashing|turn on)\b/,
    /\b(error|bug|broken|outage|crash|crashes|crashed|glitch|issue|problem|trouble)\b/,
    /\bcan'?t (log ?in|sign in|access|connect|get)\b/,
    /\b(reset|password|troubleshoot|install|set up|setup|configure|restart|reboot)\b/,
    /\bhow do i\b/,
    /\bhelp me (with|to|fix)\b/,
    /\b(book|schedule|reschedule|move|transfer|change) (a|an|my|the|it)\b/,
    /\b(appointment|locked out|refill|prescription|no signal)\b/,
    /\b(won'?t|can'?t|doesn'?t|does not) (print|work|connect|load|open|export)\b/,
    /\b(down|slow|crashes|crashing|disconnecting|dropping|gone|off) (since|for|every|again)\b/,
    /\b(charges|transactions) (on|from) my (card|account|debit card|credit card)\b/
  ],
  // Money taken or service denied: what makes a billing call a complaint even when it is said calmly.
  grievance: [
    /\b(charged|billed|charging|billing) me (twice|again|for)\b/,
    /\b(still|you'?re still|they'?re still) (charging|billing)\b/,
    /\b(late fee|extra charge|wrong charge|double charge)\b/,
    /\b(charge|fee) (for|on)\b.*\bbut i\b/,
    /\b(never|haven'?t|didn'?t) (used|ordered|arrived|received|got)\b/,
    /\b(nobody|no one) (has )?(called|told|helped|fixed)\b/,
    /\b(rude|unbelievable|outrageous)\b/,
    /\b(an hour|two hours|a day|\w+ days|\w+ weeks) late\b/,
    /\bstill haven'?t (got|received|gotten)\b/,
    /\bwant (a|my) (refund|money back)\b/,
    /\bmake a complaint\b/
  ],
  inquiry: [
    /\b(opening|business|office) hours\b/,
    /\bwhat (time|are|is|do|does)\b/,
    /\bdo you (have|offer|sell|ship|deliver|accept|open)\b/,
    /\bis there (a|any)\b/,
    /\b(i was|i'm|just) wondering\b/,
    /\b(want|wanted|like|'d like) to (know|ask|find out)\b/,
    /\bcan you tell me\b/,
    /\b(information|question|questions|details)\b/,
    /\bhow (much|long|many)\b/
  ],
  wrongNumber: [
    /\bwrong number\b/,
    /\b(no one|nobody|no) (here )?(by|with) that name\b/,
    /\bthere'?s no \w+ (here|at this number)\b/,
    /\b(must|might) have (dialed|dialled|the wrong|misdialed)\b/,
    /\bmisdial(ed|led)?\b/,
    /\bdon'?t know (any|a|anyone) \w+\b/
  ],
  voicemail: [
    /\bleave (a|your) (message|name)\b/,
    /\bafter the (tone|beep)\b/,
    /\b(not available|unavailable|can'?t come to the phone|can'?t take your call)\b/,
    /\b(leaving|left) (you )?a message\b/,
    /\bthis (is a )?message (is )?for\b/,
    /\bvoice ?mail\b/,
    /\bmailbox\b/
  ],
  callbackRequest: [
    /\b(call|ring|phone) (me|us) back\b/,
    /\bgive (me|us) a (call|ring)( back)?\b/,
    /\b(reach|contact) me (at|on)\b/,
    /\breturn (my|this) call\b/,
    /\bcall back (at|on)\b/
  ],
  followUp: [
    /\b(call|email|text|contact|get back to) (you|him|her|them) (back )?(by|on|tomorrow|later|within|next|this|in|when|as soon)\b/,
    /\b(i'?ll|we'?ll|will|i will|we will) (call|email|send|get back|follow up|check|look into|escalate|reach out|contact)\b/,
    /\bfollow ?up\b/,
    /\bget back to you\b/,
    /\b(ticket|case|reference) number\b/,
    /\bescalat(e|ed|ing)\b/,
    /\bwithin \w+ (hours|days|business days)\b/
  ],
  resolved: [
    /\b(that|it|this) (fixed|solved|worked|works|is working)\b/,
    /\b(works|working) (now|again|fine)\b/,
    /\b(problem|issue) (is )?(solved|resolved|fixed|gone)\b/,
    /\byou'?re all set\b/,
    /\bglad (i|we) could help\b/,
    /\b(i'?ll|i will|i have|i've) (process|processed|cancel|cancelled|canceled|refund|refunded)\b/,
    /\b(has been|is now) (cancell?ed|processed|refunded)\b/,
    /\bthat'?s (all|everything) (i needed|thanks|thank you)\b/,
    /\bperfect thank/
  ],
  escalation: [/\b(speak|talk) (to|with) (a|your|the) (manager|supervisor)\b/, /\bescalat(e|ed|ing)\b/],
  repeatContact: [
    /\b(called|calling|phoned|rang) (you )?(three|four|five|several|many|multiple) times\b/,
    /\b(second|third|fourth|fifth) time\b/,
    /\b(called|phoned) (before|already|last week|yesterday)\b/
  ],
  hold: [/\bon hold\b/, /\bwait(ed|ing)? (for )?(an hour|hours|\w+ minutes|forever|ages|so long)\b/],
  pricing: [/\bhow much\b/, /\b(price|prices|pricing|cost|costs|fee|fees|rate|rates|quote)\b/]
} satisfies Record<string, RegExp[]>

export type Cue = keyof typeof CUES

/** How many of a cue's phrases occur in the text (each phrase counted once). */
export const countCue = (cue: Cue, plain: string) => CUES[cue].reduce((n, re) => n + (re.test(plain) ? 1 : 0), 0)
export const hasCue = (cue: Cue, plain: string) => CUES[cue].some((re) => re.test(plain))
