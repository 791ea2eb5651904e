/**
 * Heuristic rules for planted instructions. Each rule has a stable reason code and a weight: the probability-like
 * strength of the signal on its own. Strong signals (explicit override, prompt extraction, chat-template tokens,
 * exfiltration URLs) are >= 0.6 and flag alone; weak ones (fictional framing, asking for a password, authority
 * claims) are <= 0.35 and only flag in combination. `documentWeight` applies to retrieved or uploaded documents,
 * where text addressed to an assistant ("in your response...") is itself the anomaly; in a user's own chat message
 * the same words are an ordinary request.
 *
 * The rules name families of attacks (OWASP LLM01, the PurpleLlama / BIPIA / garak taxonomies), not strings seen in
 * any one data set.
 */
export interface InjectionRule {
  code: string
  weight: number
  documentWeight?: number
  re: RegExp
  /**
   * A cheap necessary condition, so that text without it skips the regex: groups of lowercase ASCII literals, such
   * that every match of `re` holds at least one literal of each group, in any letter case. A literal of word
   * characters only ([a-z0-9_]) must be a whole word of the match: a maximal run of word characters, which `re`
   * bounds with \b, \s or punctuation on both sides (not `\w*`, not a bare prefix). Any other literal (`<|`, `:`)
   * need only occur. Read off the pattern: a required word, or one word per alternative. No `needs`: always runs.
   */
  needs?: readonly (readonly string[])[]
}

/** `(?:a|b|c)` from a space-separated list; `_` stands for `\s+` inside an entry (so no literal underscores). */
export const oneOf = (list: string) => `(?:${list.trim().split(/\s+/).map((w) => w.replace(/_/g, String.raw`\s+`)).join('|')})`
/** Case-insensitive alternation of the given patterns. */
export const any = (...alternatives: string[]) => new RegExp(alternatives.join('|'), 'i')
export const r = String.raw

export const W = r`(?:\W+\w+){0,4}?\W+` // up to four intervening words
const OVERRIDE_VERB = oneOf(`ignore disregard forget overlook dismiss neglect override bypass skip abandon discard
  set_aside stop_following do_not_follow don'?t_follow`)
const PRIOR = r`(?:previous|prior|above|preceding|earlier|foregoing|initial|original|system|developer|your|all(?:\s+(?:of\s+)?(?:the|your))?)`
const DIRECTIVE = oneOf(`instructions? directives? prompts? rules guidelines guidance commands? programming constraints
  restrictions guardrails policies orders context`)
export const AI = oneOf(`ai a\\.i\\. assistant llm language_model chatbot bot agent model gpt chatgpt claude copilot gemini`)
const PROMPT_QUAL = oneOf(`full entire exact complete original initial hidden secret system starting first previous
  underlying internal developer pre-? above`)
export const ANSWER = oneOf(`response reply answer output message summary code implementation solution algorithm codebase program`)
const ASK = r`(?:what(?:'s|\s+is|\s+was)|tell\s+me|give\s+me|share|reveal|confirm|provide|disclose|send\s+me|spell)`
const SECRET_THING = r`(?:(?:secret|system|admin|master|root|login)\s+)?(?:password|passcode|passphrase|secret(?:\s+(?:key|word|code))?|api\s+key|pin|credentials)\b`
const SECRET_NEEDS = ['password', 'passcode', 'passphrase', 'secret', 'api', 'pin', 'credentials']

/** Attacks on the model's instructions: override, persona switch, prompt and secret extraction. */
export const DIRECT_RULES: readonly InjectionRule[] = [
  // Explicit attempts to cancel the instructions the model was given.
  {
    code: 'override_instructions', weight: 0.85, re: any(r`\b${OVERRIDE_VERB}\b${W}${PRIOR}\s+(?:\w+\s+){0,2}?${DIRECTIVE}\b`),
    needs: [['instruction', 'instructions', 'directive', 'directives', 'prompt', 'prompts', 'rules', 'guidelines', 'guidance',
      'command', 'commands', 'programming', 'constraints', 'restrictions', 'guardrails', 'policies', 'orders', 'context']],
  },
  {
    code: 'override_instructions', weight: 0.85, needs: [['ignore', 'disregard', 'forget']],
    re: any(r`\b(?:ignore|disregard|forget)\s+(?:all\s+(?:of\s+)?)?(?:the\s+|everything\s+)?(?:above|before|previous(?:ly)?|prior)\b`),
  },
  {
    code: 'override_instructions', weight: 0.8, needs: [['ignore', 'disregard', 'forget', 'overlook', 'dismiss']],
    re: any(r`\b(?:ignore|disregard|forget|overlook|dismiss)\s+(?:everything|anything|all)\s+(?:that\s+)?(?:you(?:'ve|\s+have|\s+were|\s+are)?\s+(?:been\s+)?(?:told|given|instructed|taught)|I\s+(?:said|told\s+you)|(?:said\s+)?(?:before|above|so\s+far|previously))`),
  },
  {
    code: 'override_instructions', weight: 0.8,
    // German: the verb takes any ending (\w*), so its noun stands in; "esqueça" is the word "esque" before the ç.
    needs: [['ignora', 'olvida', 'descarta', 'ignore', 'ignorez', 'ignorer', 'oublie', 'oubliez', 'oublier', 'anweisungen',
      'instruktionen', 'befehle', 'regeln', 'dimentica', 'esque', 'esqueca', 'desconsidere']],
    re: any(
      r`\b(?:ignora|olvida|descarta)\s+(?:todas\s+)?(?:las\s+|tus\s+)?(?:instrucciones|indicaciones|reglas)\b`,
      r`\b(?:ignore[zr]?|oublie[zr]?)\s+(?:toutes\s+)?(?:les|tes|vos)\s+(?:instructions|consignes|directives)\b`,
      r`\b(?:ignoriere|vergiss|missachte)\w*\s+(?:alle\s+)?(?:vorherigen\s+|bisherigen\s+|obigen\s+|deine\s+|die\s+)+(?:Anweisungen|Instruktionen|Befehle|Regeln)\b`,
      r`\b(?:ignora|dimentica)\s+(?:tutte\s+)?(?:le\s+)?(?:istruzioni|indicazioni)\b`,
      r`\b(?:esque[çc]a|desconsidere)\s+(?:todas\s+)?(?:as\s+)?(?:suas\s+)?instru[çc][õo]es\b`,
    ),
  },
  // "Ignore the document and say X": hijacks the task the content was retrieved for.
  {
    code: 'override_task', weight: 0.6, needs: [['ignore', 'disregard', 'forget']],
    re: any(r`\b(?:ignore|disregard|forget)\s+(?:the|this|that)\s+\w+(?:\s+\w+)?\s*(?:and|,)\s+(?:instead\s+)?${oneOf('say state print output respond reply write answer tell return claim declare send forward email post upload')}\b`),
  },
  {
    code: 'new_instructions', weight: 0.55, needs: [[':'], ['instruction', 'instructions', 'directive', 'directives', 'prompt', 'task', 'orders']],
    re: any(r`\b${oneOf('new updated revised real actual true additional secret hidden')}\s+(?:instructions?|directives?|system\s+prompt|task|orders)\s*:`),
  },
  {
    code: 'new_instructions', weight: 0.55, needs: [['your']],
    re: any(r`\byour\s+(?:new|real|actual|true|only)\s+${oneOf('instructions? task goal purpose objective role directive mission')}\s+(?:is|are)\b`),
  },
  { code: 'new_instructions', weight: 0.45, needs: [['now']], re: any(r`\bfrom\s+now\s+on,?\s+(?:you|your|the\s+assistant|the\s+ai)\b`) },
  // Persona and mode switches used by jailbreaks.
  { code: 'role_hijack', weight: 0.55, needs: [['now']], re: any(r`\byou\s+are\s+now\s+${oneOf('an? the in my DAN free unrestricted unfiltered jailbroken acting playing operating going_to_act going_to_be going_to_pretend')}\b`) },
  { code: 'role_hijack', weight: 0.6, needs: [['longer']], re: any(r`\byou\s+are\s+no\s+longer\s+(?:an?\s+)?(?:${AI}|bound|restricted|limited|required|subject)\b`) },
  {
    code: 'role_hijack', weight: 0.7,
    needs: [['unrestricted', 'unfiltered', 'uncensored', 'jailbroken', 'evil', 'rogue', 'unethical', 'amoral', 'unlimited', 'dan',
      'anything', 'jailbreak']],
    re: any(
      r`\b(?:act|behave|respond|answer|roleplay)\s+as\s+(?:if\s+you\s+(?:were|are)\s+)?(?:an?\s+)?${oneOf('unrestricted unfiltered uncensored jailbroken evil rogue unethical amoral unlimited DAN')}\b`,
      r`\bdo\s+anything\s+now\b`,
      r`\byou(?:'re|\s+are)\s+(?:now\s+)?jailbroken\b`,
      r`\bjailbreak\s+(?:yourself|the\s+(?:${AI}|system\s+prompt))\b`,
    ),
  },
  {
    code: 'role_hijack', weight: 0.6, needs: [['mode']],
    re: any(
      r`\b(?:enter(?:ing)?|enable|activate|switch(?:ing)?\s+to|now\s+in|you\s+are\s+in|engage)\s+(?:the\s+|a\s+)?(?:[\w'-]+\s+){0,2}?${oneOf('DAN jailbreak jailbroken god unrestricted unfiltered uncensored evil chaos override')}\s+mode\b`,
      r`<\s*(?:\w+\s+){0,3}?mode\s*>`,
    ),
  },
  {
    code: 'role_hijack', weight: 0.3, needs: [['mode']],
    re: any(r`\b(?:enter(?:ing)?|activate|switch(?:ing)?\s+to|now\s+in|you\s+are\s+in|initiating)\s+(?:the\s+|a\s+)?'?(?:[\w'-]+\s+){0,2}?${oneOf('developer maintenance debug admin administrator root sudo system verification')}'?\s+mode\b`),
  },
  {
    code: 'restriction_removal', weight: 0.6,
    re: any(
      r`\b${AI}\s+(?:without\s+(?:any\s+)?|with\s+no\s+|that\s+has\s+no\s+|free\s+of\s+)${oneOf('restrictions limitations limits filters filtering censorship guidelines rules ethics morals ethical_\\w+ moral_\\w+ content_polic\\w+')}`,
      r`\byou\s+(?:have|has|are\s+under|operate\s+with)\s+no\s+${oneOf('restrictions limitations limits filters rules guidelines ethical moral content_polic')}`,
    ),
  },
  {
    code: 'restriction_removal', weight: 0.55, needs: [['safety', 'content', 'ethical', 'moral']],
    re: any(r`\b${oneOf('ignore bypass disable turn_off remove circumvent override disregard')}\s+(?:all\s+|any\s+|your\s+|the\s+)*(?:safety|content|ethical|moral)\s+${oneOf('filters? guidelines polic(?:y|ies) restrictions protocols measures guardrails settings rules training')}`),
  },
  // Prompt extraction.
  {
    code: 'reveal_system_prompt', weight: 0.75,
    needs: [['prompt', 'instruction', 'instructions', 'message', 'directive', 'directives', 'configuration', 'rules', 'guidelines']],
    re: any(r`\b${oneOf('reveal show print display output repeat recite tell give share list dump leak expose provide paste copy return echo encode translate summari[sz]e what_(?:are|were|is|was)')}\b${W}(?:your\s+(?:${PROMPT_QUAL}\s+)*|the\s+(?:${PROMPT_QUAL}\s+)*${oneOf('system initial hidden original starting secret developer underlying')}\s+)${oneOf('prompt instructions? message directives? configuration rules guidelines')}\b`),
  },
  {
    code: 'reveal_system_prompt', weight: 0.6,
    needs: [['repeat', 'print', 'output', 'recite', 'echo', 'copy', 'write', 'show', 'you', 'instructions', 'instructed']],
    re: any(
      r`\b${oneOf('repeat print output recite echo copy write show')}\s+(?:back\s+)?(?:all\s+(?:of\s+)?)?(?:the\s+)?${oneOf('text words everything content message lines conversation')}\s+${oneOf('above before so_far preceding verbatim word_for_word')}`,
      r`\brepeat\s+(?:the\s+)?above\b`,
      r`\bwhat\s+(?:were|are|have)\s+you\s+(?:been\s+)?${oneOf('told instructed programmed given asked')}\b`,
      r`\b(?:my|your)\s+instructions\s+(?:are|were)\s*:`,
      r`\bI\s+was\s+instructed\s+to\b`,
      r`\bbeginning\s+with\s+["']?you\s+are\b`,
      r`\b${oneOf('instructions? prompt directives? rules text guidelines')}\s+(?:that\s+)?you\s+(?:were|have\s+been|had\s+been)\s+${oneOf('given told provided fed shown')}\b`,
    ),
  },
  { code: 'reveal_system_prompt', weight: 0.5, needs: [['your']], re: any(r`\byour\s+${oneOf('initial original system hidden secret starting first underlying pre-?')}\s*${oneOf('prompt instructions message configuration directives')}\b`) },
  { code: 'reveal_system_prompt', weight: 0.35, re: any(r`\bsystem[\s_-]?(?:prompt|message|instructions?)\b`, r`\bwhat\s+are\s+you\s+not\s+(?:supposed|allowed|permitted)\s+to\b`) },
  // Asking the assistant for its own secret is an extraction attempt; asking for "the" password may be a real need.
  { code: 'secret_request', weight: 0.5, needs: [['your'], SECRET_NEEDS], re: any(r`\b${ASK}\b${W}your\s+${SECRET_THING}`) },
  { code: 'secret_request', weight: 0.35, needs: [SECRET_NEEDS], re: any(r`\b${ASK}\b${W}(?:the|our|its|this)\s+${SECRET_THING}`) },
  {
    code: 'authority_claim', weight: 0.3,
    re: any(
      r`\bI\s*(?:am|'m)\s+(?:your|the|an?)\s+${oneOf('developer creator owner admin(?:istrator)? maintainer operator programmer system_administrator')}\b`,
      r`\b(?:administrator|admin|developer|root|sudo)\s+(?:override|access|command)\b`,
      r`\b(?:security|compliance|system)\s+audit\b`,
      r`\bfor\s+(?:debugging|troubleshooting|quality\s+assurance)\s+purposes\b`,
      r`\bas\s+an?\s+AI\s+(?:developed|created|made|built)\s+by\b`,
    ),
  },
  {
    code: 'fictional_framing', weight: 0.25,
    needs: [['imagine', 'suppose', 'pretend', 'hypothetically', 'let', 'lets', 'hypothetical', 'fictional', 'parallel', 'alternate',
      'dystopian', 'futuristic']],
    re: any(
      r`\b(?:imagine|suppose|pretend|hypothetically|let'?s\s+(?:say|pretend|imagine|play))\b`,
      r`\bin\s+a\s+${oneOf('hypothetical fictional parallel alternate dystopian futuristic')}\s+${oneOf('world scenario universe society future reality')}\b`,
    ),
  },
]
