import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findPii } from '../../server/scan/pii.ts'

/** "TYPE:matched text" for every finding, in order. */
const found = (text: string) => findPii(text).map((f) => `${f.type}:${text.slice(f.start, f.end)}`)

describe('findPii', () => {
  it('when text contains an email address, then exactly the address is found', () => {
    assert.deepEqual(found('Write to jane.doe+news@mail.example.co.uk, thanks.'), ['EMAIL:jane.doe+news@mail.example.co.uk'])
  })

  it('when phone numbers use international, North American or national formats, then each is found', () => {
    assert.deepEqual(found('Call +44 20 7946 0958 today'), ['PHONE:+44 20 7946 0958'])
    assert.deepEqual(found('Office: (415) 555-2671 ext. 12'), ['PHONE:(415) 555-2671 ext. 12'])
    assert.deepEqual(found('US 541-714-1388 or 001-518-640-0854'), ['PHONE:541-714-1388', 'PHONE:001-518-640-0854'])
    assert.deepEqual(found('Paris 01 42 68 53 00 and Lyon 04.72.10.30.30'), ['PHONE:01 42 68 53 00', 'PHONE:04.72.10.30.30'])
    assert.deepEqual(found('Mobile +46 (0)8 928 571 38'), ['PHONE:+46 (0)8 928 571 38'])
  })

  it('when a bare digit group has a phone word next to it, then it is a phone; without one it is not', () => {
    assert.deepEqual(found('tel: 9498777106'), ['PHONE:9498777106'])
    assert.deepEqual(found('3660170548-Fax'), ['PHONE:3660170548'])
    assert.deepEqual(found('Reference 9498777106 was archived.'), [])
  })

  it('when a card number is Luhn-valid with an issuer prefix, then it is a CREDIT_CARD, otherwise nothing', () => {
    assert.deepEqual(found('Card 4111 1111 1111 1111 expires soon'), ['CREDIT_CARD:4111 1111 1111 1111'])
    assert.deepEqual(found('Amex 3782-822463-10005'), ['CREDIT_CARD:3782-822463-10005'])
    assert.deepEqual(found('Card 4111 1111 1111 1112 expires soon'), [])
    assert.deepEqual(found('Order 9111111111111111 shipped'), [])
  })

  it('when a 12-digit Maestro number follows the word card, then it is found; alone it is not', () => {
    assert.deepEqual(found('my card 501864667909 is blocked'), ['CREDIT_CARD:501864667909'])
    assert.deepEqual(found('shipment 501864667909 left'), [])
  })

  it('when an IBAN is printed compact or in groups, then the whole IBAN is one finding', () => {
    assert.deepEqual(found('Pay to GB82 WEST 1234 5698 7654 32 by Friday'), ['IBAN:GB82 WEST 1234 5698 7654 32'])
    assert.deepEqual(found('IBAN: DE89370400440532013000.'), ['IBAN:DE89370400440532013000'])
    assert.deepEqual(found('IBAN: DE89370400440532013001.'), [])
  })

  it('when an SSN is in a valid range, then it is found; never-issued ranges are not', () => {
    assert.deepEqual(found('SSN 460-89-9847'), ['US_SSN:460-89-9847'])
    for (const bad of ['000-12-3456', '666-12-3456', '912-34-5678', '123-00-4567', '123-45-0000', '078-05-1120']) {
      assert.deepEqual(found(`SSN ${bad}`), [], bad)
    }
    assert.deepEqual(found('social security number: 460899847'), ['US_SSN:460899847'])
  })

  it('when national identifiers of several countries appear, then each validated one is typed', () => {
    assert.deepEqual(found('NINO AB 12 34 56 C'), ['UK_NINO:AB 12 34 56 C'])
    assert.deepEqual(found('NINO BG 12 34 56 C'), [])
    assert.deepEqual(found('DNI 12345678Z, NIE X1234567L'), ['ES_DNI:12345678Z', 'ES_NIE:X1234567L'])
    assert.deepEqual(found('CF RSSMRA85T10A562S'), ['IT_FISCAL_CODE:RSSMRA85T10A562S'])
    assert.deepEqual(found('NIR 2 55 08 14 168 025 38'), ['FR_NIR:2 55 08 14 168 025 38'])
    assert.deepEqual(found('BSN: 111222333'), ['NL_BSN:111222333'])
    assert.deepEqual(found('PESEL 44051401359'), ['PL_PESEL:44051401359'])
    assert.deepEqual(found('ITIN 912-70-1234'), ['US_ITIN:912-70-1234'])
  })

  it('when IP and MAC addresses appear, then valid ones are found and invalid octets or versions are not', () => {
    assert.deepEqual(found('Blocked 41.176.181.243 and 10.0.0.0/8'), ['IP_ADDRESS:41.176.181.243', 'IP_ADDRESS:10.0.0.0/8'])
    assert.deepEqual(found('host 2001:db8::8a2e:370:7334 up'), ['IP_ADDRESS:2001:db8::8a2e:370:7334'])
    assert.deepEqual(found('bad 256.1.1.1 and version 1.2.3.4'), [])
    assert.deepEqual(found('MAC 00:1A:2B:3C:4D:5E'), ['MAC_ADDRESS:00:1A:2B:3C:4D:5E'])
    assert.deepEqual(found('std::vector and a::b'), [])
  })

  it('when a date follows a birth keyword, then it is a DATE_OF_BIRTH; other dates are not', () => {
    assert.deepEqual(found('Date of birth: 04/12/1985'), ['DATE_OF_BIRTH:04/12/1985'])
    assert.deepEqual(found('She was born on April 4, 1990 in Boston'), ['DATE_OF_BIRTH:April 4, 1990'])
    assert.deepEqual(found('The meeting is on 04/12/1985.'), [])
  })

  it('when a licence or passport number is introduced as such, then only the number is found', () => {
    assert.deepEqual(found("My driver's license number is F162823540116"), ['DRIVER_LICENSE:F162823540116'])
    assert.deepEqual(found('Passport no. 533380006'), ['PASSPORT:533380006'])
  })

  it('when ordinary prose has numbers, dates, versions, money and times, then nothing is found', () => {
    const prose = [
      'In 2019, revenue grew 12% to $1,234,567 and headcount reached 1,250.',
      'The meeting on 2023-04-05 at 10:30 lasted 45 minutes; see section 4.2.1.',
      'Version 4.2.1 was released on 12/05/2020 with 3 fixes; build 20230405.',
      'Population 699 956 915 in 2020. The years 1999-2004 were good.',
      'ISBN 978-3-16-148410-0, order #12345678, invoice 2024-0001, room 101.',
      'Coordinates 48.8566, 2.3522; ratio 3:2; temperature -4.5 degrees.',
      'Node v20.11.1 and Python 3.12.2 are required; chapter 1.2.3.4 explains.',
    ].join('\n')
    assert.deepEqual(found(prose), [])
  })

  it('when a card number could also be read as a phone number, then only the card is reported', () => {
    assert.deepEqual(found('tel 4111 1111 1111 1111'), ['CREDIT_CARD:4111 1111 1111 1111'])
  })
})
