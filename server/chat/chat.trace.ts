import { channel } from 'node:diagnostics_channel'

/**
 * Stages of one chat request, in order. `store` is the transaction that stores the answer; `release` is its last part
 * (lease end and audit appends, under the tenant's audit chain lock until the commit).
 */
export type ChatStage = 'input_guard' | 'admit' | 'history' | 'retrieval' | 'generate' | 'store' | 'release'

export interface ChatStageTiming {
  stage: ChatStage
  ms: number
}

/**
 * Stage timings of the chat pipeline, for `npm run bench -- chat` and profilers. Published only while someone
 * subscribes (diagnostics_channel), so production pays one property read per stage. Carries a stage name and a
 * duration, never content or identifiers.
 */
export const chatStageChannel = channel('strongroom:chat:stage')

export async function timed<T>(stage: ChatStage, fn: () => Promise<T>): Promise<T> {
  if (!chatStageChannel.hasSubscribers) return fn()
  const started = performance.now()
  try {
    return await fn()
  } finally {
    chatStageChannel.publish({ stage, ms: performance.now() - started } satisfies ChatStageTiming)
  }
}
