import fs from 'node:fs'

/**
 * CPU milliseconds used so far by the server processes serving database `dbName` (their process titles name it), or
 * null when they cannot be seen (another host, no /proc). Serial index builds run in such a process too.
 */
export function backendCpuMs(dbName: string): number | null {
  let ticks = 0
  let seen = 0
  let entries: string[]
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))
  } catch {
    return null
  }
  for (const pid of entries) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${dbName} `)) continue
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
      seen++
    } catch {
      // The process ended between listing and reading.
    }
  }
  // Linux reports these times in clock ticks of 1/100 s.
  return seen === 0 ? null : ticks * 10
}
