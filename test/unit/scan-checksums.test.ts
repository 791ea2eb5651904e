import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  cardPrefixPlausible,
  esIdValid,
  frNirValid,
  ibanValid,
  itFiscalCodeValid,
  luhnValid,
  nlBsnValid,
  plPeselValid,
} from '../../server/scan/checksums.ts'

describe('scan checksums', () => {
  it('when a number passes Luhn, then it is accepted, and one changed digit makes it fail', () => {
    for (const n of ['4111111111111111', '5500005555555559', '378282246310005', '6011111111111117', '79927398713']) {
      assert.equal(luhnValid(n), true, n)
    }
    for (const n of ['4111111111111112', '378282246310006', '79927398710', '12a4', '']) assert.equal(luhnValid(n), false, n)
  })

  it('when an IBAN has the right length and mod-97 check, then it is valid in any case', () => {
    for (const iban of ['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'gb82west12345698765432']) {
      assert.equal(ibanValid(iban), true, iban)
    }
  })

  it('when an IBAN has a wrong check digit, wrong length or unknown country, then it is invalid', () => {
    assert.equal(ibanValid('GB83WEST12345698765432'), false)
    assert.equal(ibanValid('GB82WEST1234569876543'), false)
    assert.equal(ibanValid('DE89370400440532013000X'), false)
    assert.equal(ibanValid('ZZ82WEST12345698765432'), false)
  })

  it('when national IDs carry a correct check character, then they validate, otherwise not', () => {
    assert.equal(esIdValid('12345678Z'), true)
    assert.equal(esIdValid('12345678A'), false)
    assert.equal(esIdValid('X1234567L'), true)
    assert.equal(esIdValid('X1234567T'), false)
    assert.equal(itFiscalCodeValid('RSSMRA85T10A562S'), true)
    assert.equal(itFiscalCodeValid('RSSMRA85T10A562T'), false)
    assert.equal(frNirValid('2 55 08 14 168 025 38'), true)
    assert.equal(frNirValid('2 55 08 14 168 025 39'), false)
    assert.equal(nlBsnValid('111222333'), true)
    assert.equal(nlBsnValid('111222334'), false)
    assert.equal(plPeselValid('44051401359'), true)
    assert.equal(plPeselValid('44051401358'), false)
  })

  it('when a Luhn-valid number has no issuer prefix, then it is not a plausible card', () => {
    assert.equal(cardPrefixPlausible('4111111111111111'), true)
    assert.equal(cardPrefixPlausible('2221000000000009'), true)
    assert.equal(cardPrefixPlausible('9111111111111111'), false)
    assert.equal(cardPrefixPlausible('0111111111111111'), false)
  })
})
