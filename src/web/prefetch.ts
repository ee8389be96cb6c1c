/**
 * The Overview's data, asked for by a small inline script in index.html while the app's script is
 * still loading, so the server works on it in parallel instead of after. A page takes the answer
 * only for exactly the URL it would ask for, once; anything else falls back to a normal request.
 */

declare global {
  interface Window {
    birdseyePrefetch?: { url: string; response: Promise<Response> } | undefined;
  }
}

/** The prefetched answer for `url` (path and query as the Api writes it), if there is a good one. */
export async function takePrefetched<T>(url: string): Promise<T | undefined> {
  const early = window.birdseyePrefetch;
  window.birdseyePrefetch = undefined;
  if (!early || early.url !== url) return undefined;
  // A failed or refused prefetch is asked again the normal way, which reports errors and signs in.
  const response = await early.response.catch(() => undefined);
  if (!response?.ok) return undefined;
  return (await response.json()) as T;
}
