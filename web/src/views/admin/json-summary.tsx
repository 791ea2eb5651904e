/** Shows any JSON value as text: flat objects as a definition list, anything nested as indented JSON. */
export function JsonSummary({ value }: { value: unknown }) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.every(([, v]) => v === null || typeof v !== 'object')) {
      return (
        <dl class="kv">
          {entries.map(([k, v]) => (
            <div key={k} class="kv-row"><dt>{humanize(k)}</dt><dd>{String(v)}</dd></div>
          ))}
        </dl>
      )
    }
  }
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>
}

export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}
