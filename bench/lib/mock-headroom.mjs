// Compares the client figures with what the mock itself served, to say
// whether the mock could have limited them.

/**
 * Returns a note for the mock's section comparing its capacity with the
 * fastest client figures, or null when some of the figures are missing.
 * Suites report their rates in `metrics`: `uploadMibPerSecond` and
 * `getRequestsPerSecond` (clients), `mockUploadMibPerSecond` and
 * `mockGetRequestsPerSecond` (the mock).
 */
export function mockHeadroomNote(results) {
  const values = (name) => results.flatMap((suite) => suite.metrics?.[name] ?? []);
  const clientUpload = Math.max(...values('uploadMibPerSecond'));
  const clientGets = Math.max(...values('getRequestsPerSecond'));
  const [mockUpload] = values('mockUploadMibPerSecond');
  const [mockGets] = values('mockGetRequestsPerSecond');
  if (![clientUpload, clientGets, mockUpload, mockGets].every(Number.isFinite)) return null;

  const share = (client, mock) => `${((client / mock) * 100).toFixed(0)} %`;
  const uploadVerdict = clientUpload < 0.8 * mockUpload
    ? 'so the mock was not the limit'
    : 'so the mock may have limited the fastest uploads: it takes at least the larger of the two rates, and the ratios of those uploads may understate the faster side';
  const getVerdict = clientGets < 0.8 * mockGets
    ? 'so the mock was not the limit for them'
    : 'so the mock may have limited them';

  return `Headroom: the fastest client upload median (${clientUpload.toFixed(0)} MiB/s) is ${share(clientUpload, mockUpload)} of curl's median into the mock, ${uploadVerdict}. The fastest client request rate (${Math.round(clientGets).toLocaleString('en-US')} getStorage calls per second, from the concurrent calls) is ${share(clientGets, mockGets)} of wrk's median, ${getVerdict}.`;
}
