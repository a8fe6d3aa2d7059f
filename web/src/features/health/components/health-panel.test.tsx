import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/testing/render';
import { server } from '@/testing/server';
import { HealthPanel } from './health-panel';

describe('health panel', () => {
  it('shows a degraded platform and which check fails', async () => {
    server.use(
      // A failing dependency makes the endpoint answer 503, with the usual body.
      http.get('/v1/health', () =>
        HttpResponse.json(
          {
            status: 'degraded',
            checks: [
              { name: 'store', ok: true, latency_ms: 12.4, error: null },
              { name: 'secrets', ok: false, latency_ms: 3000, error: 'secrets did not answer in time' },
            ],
          },
          { status: 503 },
        ),
      ),
    );
    renderWithProviders(<HealthPanel />);

    expect(await screen.findByText('Degraded: some checks are failing')).toBeInTheDocument();
    const checks = screen.getByRole('list', { name: 'Health checks' });
    expect(checks).toHaveTextContent('store: healthy');
    expect(checks).toHaveTextContent('12 ms');
    expect(checks).toHaveTextContent('secrets: failing');
    expect(checks).toHaveTextContent('secrets did not answer in time');
  });

  it('a 503 without a health body is shown as an error', async () => {
    server.use(http.get('/v1/health', () => new HttpResponse('<html>bad gateway</html>', { status: 503 })));
    renderWithProviders(<HealthPanel />);

    expect(await screen.findByRole('alert')).toHaveTextContent('Could not check platform health');
  });
});
