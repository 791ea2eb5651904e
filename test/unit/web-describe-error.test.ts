import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ApiError, apiErrorFrom, describeError, isAuthLost, isRouteMissing } from '../../web/src/api/errors.ts'

describe('web error descriptions (web/src/api/errors.ts)', () => {
  it('when the server sends its error shape with Retry-After, then code, message, request id and seconds are read', () => {
    const err = apiErrorFrom(429, { error: { code: 'rate_limited', message: 'slow down', requestId: 'r1' } }, '12')
    assert.equal(err.code, 'rate_limited')
    assert.equal(err.message, 'slow down')
    assert.equal(err.requestId, 'r1')
    assert.equal(err.retryAfterSeconds, 12)
    assert.deepEqual(describeError(err), { title: 'Too many requests', detail: 'Try again in 12 seconds.', retryAfterSeconds: 12, tone: 'warning' })
  })

  it('when Retry-After is an HTTP date or garbage, then a date becomes seconds and garbage is ignored', () => {
    const inTen = new Date(Date.now() + 10_000).toUTCString()
    const seconds = apiErrorFrom(429, null, inTen).retryAfterSeconds!
    assert.ok(seconds >= 9 && seconds <= 11, String(seconds))
    assert.equal(apiErrorFrom(429, null, 'soon').retryAfterSeconds, undefined)
  })

  it('when the body is not the error shape, then a generic code from the status is used', () => {
    const err = apiErrorFrom(502, '<html>bad gateway</html>', null)
    assert.equal(err.code, 'http_502')
    assert.equal(describeError(err).title, 'Server error')
  })

  it('when the session is gone or step-up is needed, then the description offers sign-in or verification', () => {
    assert.equal(describeError(new ApiError(401, 'session_expired', 'x')).action, 'sign-in')
    assert.equal(describeError(new ApiError(401, 'authentication_required', 'x')).action, 'sign-in')
    assert.equal(describeError(new ApiError(401, 'step_up_required', 'x')).action, 'step-up')
    assert.equal(describeError(new ApiError(403, 'csrf_token_invalid', 'x')).action, 'reload')
    assert.equal(isAuthLost(new ApiError(401, 'session_expired', 'x')), true)
    assert.equal(isAuthLost(new ApiError(401, 'step_up_required', 'x')), false)
  })

  it('when a guard blocks a request, then the server message is the detail; other 4xx keep their message too', () => {
    assert.deepEqual(describeError(new ApiError(400, 'prompt_blocked', 'looks like an injection')), {
      title: 'Request refused', detail: 'looks like an injection', tone: 'warning',
    })
    assert.equal(describeError(new ApiError(403, 'forbidden_role', 'internal detail')).detail, 'Your roles do not allow this action.')
    assert.equal(describeError(new ApiError(409, 'document_exists', 'already uploaded')).detail, 'already uploaded')
  })

  it('when a 404 comes from the router rather than a capability, then only that one counts as a missing route', () => {
    assert.equal(isRouteMissing(new ApiError(404, 'not_found', 'no such route')), true)
    assert.equal(isRouteMissing(new ApiError(404, 'conversation_not_found', 'no such conversation')), false)
    assert.equal(isRouteMissing(new ApiError(404, 'not_found', 'document not found')), false)
  })

  it('when the failure is not an API answer (network down), then a connection message is shown', () => {
    assert.equal(describeError(new TypeError('Failed to fetch')).title, 'Something went wrong')
  })
})
