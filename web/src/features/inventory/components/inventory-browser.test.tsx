import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { NOW, makeResource } from '@/testing/data';
import { problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { InventoryBrowser } from './inventory-browser';

const INVENTORY = '/v1/orgs/org_1/inventory';

/// Records the query string of every inventory request.
function mockInventory(items = [makeResource('res_1', 'web-1'), makeResource('res_2', 'db-1', { type: 'disk', state: 'in_use' })]) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(INVENTORY, ({ request }) => {
      queries.push(new URL(request.url).searchParams);
      return HttpResponse.json({ items, next_cursor: null });
    }),
  );
  return queries;
}

describe('Inventory', () => {
  it('keeps the filters in the URL and sends them with the request', async () => {
    signIn();
    const queries = mockInventory();
    const user = userEvent.setup();
    const { router } = renderWithProviders(<InventoryBrowser orgId="org_1" />, { path: '/?type=vm' });

    expect(await screen.findByRole('button', { name: 'Details of web-1' })).toBeInTheDocument();
    expect(queries[0]?.get('type')).toBe('vm');
    expect(screen.getByLabelText('Type')).toHaveValue('vm');

    await user.selectOptions(screen.getByLabelText('Provider'), 'aws');
    await user.type(screen.getByLabelText('Tag'), 'env=prod');
    await user.type(screen.getByLabelText('Search'), 'web');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() => expect(queries.at(-1)?.get('tag')).toBe('env=prod'));
    const last = queries.at(-1)!;
    expect(Object.fromEntries(last)).toEqual({ provider: 'aws', type: 'vm', tag: 'env=prod', q: 'web', limit: '50' });
    const search = new URLSearchParams(router.state.location.search);
    expect(Object.fromEntries(search)).toEqual({ provider: 'aws', type: 'vm', tag: 'env=prod', q: 'web' });

    // Sorting by name, then the other way round.
    await user.click(screen.getByRole('button', { name: /^Name/ }));
    await waitFor(() => expect(queries.at(-1)?.get('sort')).toBe('name'));
    await user.click(screen.getByRole('button', { name: /^Name/ }));
    await waitFor(() => expect(queries.at(-1)?.get('sort')).toBe('-name'));
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');
  });

  it('shows an invalid_query answer with the filter it is about', async () => {
    signIn();
    server.use(
      http.get(INVENTORY, () =>
        problem(400, 'invalid_query', {
          detail: 'the query is invalid',
          errors: [{ field: 'tag', code: 'invalid', message: 'a tag filter is key=value or key' }],
        }),
      ),
    );
    renderWithProviders(<InventoryBrowser orgId="org_1" />, { path: '/?tag==oops' });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Some filters are not valid');
    expect(alert).toHaveTextContent('tag: a tag filter is key=value or key');
    expect(screen.getByLabelText('Tag')).toHaveAccessibleDescription(expect.stringContaining('a tag filter is key=value or key'));
  });

  it('opens a resource in a drawer with its tags and history, and Escape closes it', async () => {
    signIn();
    mockInventory();
    server.use(
      http.get(`${INVENTORY}/res_1`, () => HttpResponse.json(makeResource('res_1', 'web-1'))),
      http.get(`${INVENTORY}/res_1/history`, () =>
        HttpResponse.json({
          items: [{ at: NOW, sync_run_id: 'run_2', change: 'changed', changes: [{ field: 'state', from: 'stopped', to: 'running' }] }],
          next_cursor: null,
        }),
      ),
    );
    const user = userEvent.setup();
    const { router } = renderWithProviders(<InventoryBrowser orgId="org_1" />);

    const open = await screen.findByRole('button', { name: 'Details of web-1' });
    await user.click(open);
    const drawer = await screen.findByRole('dialog', { name: 'web-1' });
    expect(router.state.location.search).toBe('?resource=res_1');
    const tags = within(drawer).getByLabelText('Tags');
    expect(tags).toHaveTextContent('env');
    expect(tags).toHaveTextContent('prod');
    expect(within(drawer).getByText('203.0.113.10')).toBeInTheDocument();
    expect(await within(drawer).findByText('stopped')).toBeInTheDocument();
    expect(within(drawer).getByText('running', { selector: 'li span' })).toBeInTheDocument();

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(router.state.location.search).toBe('');
    expect(open).toHaveFocus();
  });

  it('loads the next page with the cursor', async () => {
    signIn();
    const cursors: Array<string | null> = [];
    server.use(
      http.get(INVENTORY, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        return cursor === null
          ? HttpResponse.json({ items: [makeResource('res_1', 'web-1')], next_cursor: 'c2' })
          : HttpResponse.json({ items: [makeResource('res_2', 'web-2')], next_cursor: null });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<InventoryBrowser orgId="org_1" />);

    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('button', { name: 'Details of web-2' })).toBeInTheDocument();
    expect(cursors).toEqual([null, 'c2']);
    expect(screen.getByText('Showing 2 resources')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });
});
