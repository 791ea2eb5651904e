import { AI, ANSWER, any, oneOf, r, type InjectionRule } from './injection-rules.ts'

/**
 * Signs of content planted for the assistant that reads it (indirect injection): fake chat turns, text addressed to
 * the assistant, orders about its answer, code it should pass on, ways to get data out. See injection-rules.ts for
 * the weighting scheme.
 */

const IMPERATIVE = oneOf(`add include insert append integrate incorporate mention modify encode encrypt translate write
  use render reverse invert provide express replace substitute shift apply reply respond answer enhance augment embed
  ensure make start begin end say state output print display format spell convert hide promote advertise inject
  remember_to don'?t_forget_to`)
const LANGUAGE = oneOf(`english spanish french german italian portuguese dutch russian chinese japanese korean arabic
  hindi turkish polish swedish pig_latin`)
const CODE_BLOCK = r`(?:following|below|subsequent)\s+(?:code|snippet|script|command|block|excerpt|section|payload)\b`

export const INDIRECT_RULES: readonly InjectionRule[] = [
  // Chat-template tokens and fake turns: text trying to pass as a system or assistant message.
  {
    code: 'special_tokens', weight: 0.7, needs: [['<|', 'inst]', 'sys>>', 'system', '##']],
    re: new RegExp(
      [
        r`<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\|>`,
        r`\[/?INST\]`, r`<</?SYS>>`, r`<\s*/?\s*system\s*>`, r`\[SYSTEM\]`, r`<\s*SYSTEM\s+(?:MODE|OVERRIDE|PROMPT|MESSAGE)\s*>`,
        r`^#{2,}\s*(?:system|new\s+instructions?)\b`,
      ].join('|'),
      'im',
    ),
  },
  { code: 'special_tokens', weight: 0.3, needs: [['system', 'assistant'], [':']], re: /^\s*(?:system|assistant)\s*:\s*\S/im },
  // Text addressed to the assistant that processes a document, and orders about its output.
  {
    code: 'addressed_to_ai', weight: 0.35, documentWeight: 0.5,
    re: any(
      r`\b(?:attention|note|message|instructions?|important)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?${AI}s?\b`,
      r`\bif\s+you\s+are\s+an?\s+(?:${AI}|automated)\b`,
      r`\b(?:dear|hey|hello|hi)\s+${AI}\b`,
      r`\b${AI}s?\s+(?:reading|processing|summari[sz]ing|analy[sz]ing)\s+this\b`,
      r`\bwhen\s+(?:you\s+)?(?:summari[sz]e|summari[sz]ing|answer(?:ing)?|process(?:ing)?)\s+this\s+(?:document|email|page|text|file|message)\b`,
    ),
  },
  {
    code: 'output_manipulation', weight: 0.2, documentWeight: 0.55, needs: [['your', 'reply', 'respond', 'answer', 'write']],
    re: any(
      r`(?:^|[.!?:\n]\s*|\b(?:please|and|then|also)\s+|\b(?:can|could|would|will)\s+you\s+(?:please\s+)?)${IMPERATIVE}\b(?:"[^"\n]{0,100}"|[^.!?\n"]){0,100}?\byour\s+(?:\w+\s+)?${ANSWER}s?\b`,
      r`(?:^|[.!?\n]\s*)(?:in|within|throughout|at\s+the\s+(?:end|start|beginning)\s+of)\s+your\s+${ANSWER}\s*,\s*${IMPERATIVE}\b`,
      r`\b(?:reply|respond|answer|write)\s+(?:only\s+)?(?:in|using|with)\s+(?:\w+\s+){0,2}${oneOf('base\\s?(?:64|32|16|58) hex rot13 caesar morse emojis? reverse backwards?')}\b`,
      r`\b(?:reply|respond|answer|write)\s+(?:only\s+)?in\s+${LANGUAGE}\b`,
    ),
  },
  {
    code: 'conceal_from_user', weight: 0.45, needs: [['user', 'human', 'reader', 'recipient']],
    re: any(
      r`\b(?:do\s+not|don'?t|never)\s+(?:tell|inform|mention\s+(?:this\s+)?to|reveal\s+(?:this\s+)?to|let)\s+(?:the\s+)?(?:user|human|reader|recipient)\b`,
      r`\bwithout\s+(?:telling|informing|notifying|alerting)\s+the\s+(?:user|human|reader)\b`,
    ),
  },
  {
    code: 'code_injection', weight: 0.3, documentWeight: 0.4, needs: [['your']],
    re: any(
      r`\b(?:the|this)\s+(?:above\s+(?:code|snippet|script|command|block|excerpt|section|payload)\b|${CODE_BLOCK})[^\n]{0,80}\byour\s+(?:\w+\s+)?${ANSWER}`,
      r`\byour\s+(?:\w+\s+)?${ANSWER}\b[^\n]{0,80}\b(?:the|this)\s+${CODE_BLOCK}`,
    ),
  },
  // Capabilities that have no place in a snippet a document asks the assistant to pass on.
  {
    code: 'dangerous_code', weight: 0.45,
    re: any(
      r`requests\.(?:post|put)\s*\(`, r`urllib\.request\.urlopen\s*\(\s*["']https?://`, // sending data out
      r`\b(?:curl|wget)\b[^\n|]{0,120}\|\s*(?:ba|z)?sh\b`, r`\bnc\s+(?:-\w+\s+)*-e\b`, r`/bin/(?:ba)?sh\s+-i\b`, r`\.dup2\(`, // remote shells
      r`\brm\s+-rf\s+/(?:\s|$|\*)`, r`shutil\.rmtree\(\s*["']/["']`, r`os\.fork\(\)`, r`:\(\)\s*\{\s*:\|:&\s*\};:`, // destruction
      r`authorized_keys`, r`~/\.ssh\b`, r`/etc/(?:shadow|passwd|hosts)\b`, r`\bid_rsa\b`, // credentials and persistence
      r`pyperclip\.paste`, r`win32clipboard`, r`\bpbpaste\b`, r`xsel\s+--clipboard`, r`pynput`, r`\bkeylogger\b`, // input capture
      r`pyautogui\.screenshot`, r`ImageGrab\.grab`, r`\b(?:screencapture|x11grab|gnome-screenshot|snippingtool)\b`, // screen capture
      r`\bssh\s+(?:-\w+\s+)*-[LRD]\s*\d`, r`\b(?:ngrok|socat)\b`, // tunnels
      r`while\s+True\s*:[\s\S]{0,200}?(?:requests\.\w+\(|\.connect\(|\.sendall\(|os\.system\()`, // flooding loops
    ),
  },
  // Getting data out: URLs that carry data in their query, instructions to send content somewhere.
  { code: 'exfiltration_url', weight: 0.8, needs: [['!['], ['http', 'https']], re: any(r`!\[[^\]\n]{0,100}\]\(\s*https?://[^)\s]*(?:\?[^)\s]*=|\{[^}\s]{1,40}\}|\$\w+|%s|\[[A-Z_]{2,}\])`) },
  { code: 'exfiltration_url', weight: 0.7, needs: [['<img']], re: any(r`<img\s[^>]*src\s*=\s*["']?https?://[^"'\s>]*\?[^"'\s>]*=`) },
  {
    code: 'exfiltration_url', weight: 0.6, needs: [['http', 'https', '@']],
    re: any(r`\b${oneOf('send post upload forward transmit exfiltrate leak e-?mail submit')}\b[^.\n]{0,60}?\b${oneOf('conversation chat history password credentials secrets? api_keys? tokens? personal_(?:data|information) user_(?:data|information) employee_data system_prompt instructions')}\b[^.\n]{0,60}?\b(?:to|at|via)\s+(?:https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+)`),
  },
  {
    code: 'phishing', weight: 0.35, needs: [['account', 'link', 'claim', 'share']],
    re: any(
      r`\byour\s+account\s+(?:has\s+been|was|is)\s+${oneOf('compromised suspended locked hacked disabled breached')}\b`,
      r`\b(?:click|follow|visit)\s+(?:this|the\s+following|the)\s+link\s+to\s+${oneOf('reset verify confirm update unlock restore claim')}\b`,
      r`\bclaim\s+your\s+(?:prize|reward|winnings|lottery|gift)\b`,
      r`\bshare\s+(?:your|their)\s+(?:bank|credit\s+card|login|account)\s+(?:details|information|credentials|numbers?)\b`,
    ),
  },
  { code: 'decode_and_follow', weight: 0.5, needs: [['decode', 'decrypt', 'deobfuscate', 'unscramble']], re: any(r`\b(?:decode|decrypt|deobfuscate|unscramble)\b[^.\n]{0,60}\b(?:and|then)\s+(?:follow|execute|obey|do\s+(?:what|as)|carry\s+out|act\s+on|run|perform)\b`) },
]
