import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { SseParser, type SseEvent } from '../../web/src/api/sse.ts'

function parseAll(chunks: string[]): SseEvent[] {
  const parser = new SseParser()
  return chunks.flatMap((c) => parser.push(c))
}

describe('web SSE parser (web/src/api/sse.ts)', () => {
  it('when a stream has token and done events, then each is returned with its type and data', () => {
    const events = parseAll(['event: token\ndata: {"text":"Hel"}\n\nevent: token\ndata: {"text":"lo"}\n\nevent: done\ndata: {"ok":true}\n\n'])
    assert.deepEqual(events, [
      { event: 'token', data: '{"text":"Hel"}' },
      { event: 'token', data: '{"text":"lo"}' },
      { event: 'done', data: '{"ok":true}' },
    ])
  })

  it('when data spans several lines, comments and unknown fields appear, then data is joined and the rest ignored', () => {
    const events = parseAll([': keep-alive\nid: 7\nretry: 10\ndata: a\ndata:b\ndata:  c\n\n'])
    assert.deepEqual(events, [{ event: 'message', data: 'a\nb\n c' }])
  })

  it('when lines end in CRLF or CR, then they are split the same way as LF (a final CR waits: it may start a CRLF)', () => {
    assert.deepEqual(parseAll(['event: x\r\ndata: 1\r\n\r\nevent: y\rdata: 2\r\r']), [{ event: 'x', data: '1' }])
    assert.deepEqual(parseAll(['event: x\r\ndata: 1\r\n\r\nevent: y\rdata: 2\r\r', ': next\n']), [
      { event: 'x', data: '1' }, { event: 'y', data: '2' },
    ])
  })

  it('when an event has no data or the stream ends without a blank line, then nothing is dispatched for it', () => {
    const parser = new SseParser()
    assert.deepEqual(parser.push('event: lonely\n\ndata: unfinished\n'), [])
    parser.end()
    assert.deepEqual(parser.push('\n'), [])
  })

  it('when the same stream arrives split at any points, then the events are identical to the unsplit parse', () => {
    const stream = 'event: token\ndata: {"text":"a\\u00e9"}\r\n\r\nevent: token\rdata: {"text":"b"}\r\r: c\n\nevent: done\ndata: {}\n\n'
    const whole = parseAll([stream])
    assert.equal(whole.length, 3)
    fc.assert(fc.property(fc.array(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b)
      const chunks = [0, ...points].map((start, i) => stream.slice(start, points[i] ?? stream.length))
      assert.deepEqual(parseAll(chunks), whole)
    }))
  })
})
