import { createHash, randomBytes } from 'node:crypto'

/**
 * Writes small but structurally valid PDFs by hand (catalog, page tree, Helvetica, one content stream per page and a
 * cross-reference table with computed byte offsets), so parser tests need no binary fixtures.
 *
 * With `encrypt`, the file uses the PDF 1.4 Standard Security Handler (revision 2, 40-bit RC4): every string and
 * stream is really encrypted, so a reader needs the user password. An empty user password with a non-empty owner
 * password gives the common "permissions only" PDF that readers open without asking.
 */
export interface MakePdfOptions {
  /** Lines of text for each page, in page order. */
  pages: string[][]
  title?: string
  encrypt?: { userPassword: string; ownerPassword: string }
}

const PAD = Buffer.from(
  '28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex')

export function makePdf(opts: MakePdfOptions): Buffer {
  const pageCount = opts.pages.length
  // Objects: 1 catalog, 2 pages, 3 font, 4 info, then page/content pairs.
  const firstPage = 5
  const objects: Array<(crypt: Crypt) => Buffer> = []
  const kids = opts.pages.map((_, i) => `${firstPage + 2 * i} 0 R`).join(' ')
  objects.push(() => Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'))
  objects.push(() => Buffer.from(`<< /Type /Pages /Kids [${kids}] /Count ${pageCount} >>`))
  objects.push(() => Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'))
  objects.push((crypt) => Buffer.from(`<< /Producer ${crypt.string(4, 'make-pdf')}${
    opts.title === undefined ? '' : ` /Title ${crypt.string(4, opts.title)}`} >>`))
  opts.pages.forEach((lines, i) => {
    const pageNum = firstPage + 2 * i
    objects.push(() => Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] ` +
      `/Resources << /Font << /F1 3 0 R >> >> /Contents ${pageNum + 1} 0 R >>`))
    const ops = lines.map((l, j) => `${j === 0 ? '' : '0 -16 Td '}(${escapeText(l)}) Tj`).join('\n')
    const content = Buffer.from(`BT /F1 12 Tf 72 720 Td\n${ops}\nET`, 'latin1')
    objects.push((crypt) => {
      const body = crypt.bytes(pageNum + 1, content)
      return Buffer.concat([Buffer.from(`<< /Length ${body.length} >>\nstream\n`), body, Buffer.from('\nendstream')])
    })
  })

  const crypt = opts.encrypt ? standardSecurity(opts.encrypt.userPassword, opts.encrypt.ownerPassword) : plain
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')]
  const offsets: number[] = []
  let length = parts[0]!.length
  const encryptNum = objects.length + 1
  const all = crypt.dictionary ? [...objects, () => Buffer.from(crypt.dictionary!)] : objects
  all.forEach((write, i) => {
    offsets.push(length)
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), write(crypt), Buffer.from('\nendobj\n')])
    parts.push(obj)
    length += obj.length
  })
  const xref = ['xref', `0 ${all.length + 1}`, '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `)].join('\n')
  const id = crypt.id ?? randomBytes(16).toString('hex')
  const trailer = `<< /Size ${all.length + 1} /Root 1 0 R /Info 4 0 R /ID [<${id}> <${id}>]` +
    `${crypt.dictionary ? ` /Encrypt ${encryptNum} 0 R` : ''} >>`
  parts.push(Buffer.from(`${xref}\ntrailer\n${trailer}\nstartxref\n${length}\n%%EOF\n`))
  return Buffer.concat(parts)
}

interface Crypt {
  string(objNum: number, text: string): string
  bytes(objNum: number, data: Buffer): Buffer
  dictionary?: string
  id?: string
}

const plain: Crypt = {
  string: (_n, text) => `(${escapeText(text)})`,
  bytes: (_n, data) => data,
}

function standardSecurity(userPassword: string, ownerPassword: string): Crypt {
  const id = randomBytes(16)
  const permissions = -4
  const o = rc4(md5(pad(ownerPassword || userPassword)).subarray(0, 5), pad(userPassword))
  const p = Buffer.alloc(4)
  p.writeInt32LE(permissions)
  const key = md5(Buffer.concat([pad(userPassword), o, p, id])).subarray(0, 5)
  const u = rc4(key, PAD)
  const objectKey = (n: number) => {
    const salt = Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, 0, 0])
    return md5(Buffer.concat([key, salt])).subarray(0, 10)
  }
  return {
    string: (n, text) => `<${rc4(objectKey(n), Buffer.from(text, 'latin1')).toString('hex')}>`,
    bytes: (n, data) => rc4(objectKey(n), data),
    dictionary: `<< /Filter /Standard /V 1 /R 2 /O <${o.toString('hex')}> /U <${u.toString('hex')}> /P ${permissions} >>`,
    id: id.toString('hex'),
  }
}

function pad(password: string): Buffer {
  return Buffer.concat([Buffer.from(password, 'latin1'), PAD]).subarray(0, 32)
}

function md5(data: Buffer): Buffer {
  return createHash('md5').update(data).digest()
}

/** RC4 written out because OpenSSL 3 only offers it through the legacy provider. */
function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i)
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!]
  }
  const out = Buffer.alloc(data.length)
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!]
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!
  }
  return out
}

function escapeText(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`)
}
