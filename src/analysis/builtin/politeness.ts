/**
 * An agent's apology or sympathy is politeness, not a sign that the call went badly: "i am so
 * sorry to hear that" or "that must be frustrating" carry negative words about the customer's
 * trouble, not the agent's mood. Matched on plainText sentences.
 */
export const APOLOGY = /\b(sorry|apologi[sz]e|apologies|my apologies|our apologies)\b/
export const EMPATHY =
  /\b(i (completely |totally |fully |really )?understand( your (frustration|concern)| how| why|$)|i can (only )?imagine|(that|this|it) must (be|have been)|that'?s (awful|terrible|not (the experience|how) we want))\b/
