import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages'
import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts'

/** An earlier turn of the conversation, as the model sees it. */
export interface Turn {
  role: 'user' | 'assistant'
  text: string
}

/**
 * The one prompt template: the system role holds the versioned system prompt and nothing else; earlier turns go
 * as user/assistant messages; the new user turn (passages and question) goes last. Values are substituted as
 * data: LangChain does not parse braces inside them, so no request text can add template variables or roles.
 */
const TEMPLATE = ChatPromptTemplate.fromMessages([
  ['system', '{system}'],
  new MessagesPlaceholder('history'),
  ['human', '{turn}'],
])

export function composeMessages(system: string, history: readonly Turn[], turn: string): Promise<BaseMessage[]> {
  const past = history.map((t) => (t.role === 'user' ? new HumanMessage(t.text) : new AIMessage(t.text)))
  return TEMPLATE.formatMessages({ system, history: past, turn })
}
