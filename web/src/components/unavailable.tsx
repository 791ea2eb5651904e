import { Notice } from './notice.tsx'

/** What a view shows while its API route does not exist on this server. */
export function Unavailable({ feature }: { feature: string }) {
  return (
    <Notice tone="info" title={`${feature} is not available`}>
      <p>This server does not offer {feature.toLowerCase()} yet.</p>
    </Notice>
  )
}
