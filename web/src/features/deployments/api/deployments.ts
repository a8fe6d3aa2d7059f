//! Templates, deployments and runs: `GET /v1/templates`, `/v1/orgs/{org}/deployments[/{id}]`,
//! changing (PATCH) and deleting a deployment, a deployment's resources (`.../resources`),
//! `.../runs[/{run}]`, the run actions (approve, cancel, discard) and the archived log.
import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { PAGE_SIZE, pageSchema, timestampSchema, type Equals, type Expect, type Role } from '@/lib/api-common';
import { runErrorReasonViewValues, phaseValues, providerValues, resourceStateValues, resourceTypeValues, runKindValues, runStatusValues, type components } from '@/lib/api-schema';

// ---- templates -------------------------------------------------------------------------------

export const templateSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  provider: z.enum(providerValues).nullish(),
  sandbox: z.boolean(),
  variables_schema: z.record(z.string(), z.unknown()),
});
export type Template = z.infer<typeof templateSchema>;
// The generator types free-form JSON objects as `Record<string, never>`: those members are
// left out of the pins (and typed `Record<string, unknown>` here).
export type _TemplateMatchesContract = Expect<
  Equals<Omit<Template, 'variables_schema'>, Omit<components['schemas']['TemplateView'], 'variables_schema'>>
>;
const templateListSchema = z.object({ items: z.array(templateSchema) });

export function templatesQueryOptions() {
  return queryOptions({
    queryKey: ['templates'],
    queryFn: ({ signal }) => apiClient.get('/v1/templates', templateListSchema, { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useTemplates() {
  return useQuery(templatesQueryOptions());
}

// ---- deployments -----------------------------------------------------------------------------

export const deploymentSchema = z.object({
  id: z.string(),
  template: z.string(),
  name: z.string(),
  credential_id: z.string().nullish(),
  variables: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()).nullish(),
  active_run_id: z.string().nullish(),
  /// new (never applied), applied (resources may exist) or destroyed; only new and destroyed can be deleted
  lifecycle: z.enum(['new', 'applied', 'destroyed']),
  applied_variables: z.record(z.string(), z.unknown()).nullish(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
export type Deployment = z.infer<typeof deploymentSchema>;
export type _DeploymentMatchesContract = Expect<
  Equals<
    Omit<Deployment, 'variables' | 'outputs' | 'applied_variables'>,
    Omit<components['schemas']['DeploymentView'], 'variables' | 'outputs' | 'applied_variables'>
  >
>;
const deploymentsPageSchema = pageSchema(deploymentSchema);

const deploymentsPath = (orgId: string) => `/v1/orgs/${encodeURIComponent(orgId)}/deployments`;
const deploymentPath = (orgId: string, id: string) => `${deploymentsPath(orgId)}/${encodeURIComponent(id)}`;
const runsPath = (orgId: string, id: string) => `${deploymentPath(orgId, id)}/runs`;
export const runPath = (orgId: string, id: string, runId: string) => `${runsPath(orgId, id)}/${encodeURIComponent(runId)}`;

export function deploymentsQueryOptions(orgId: string) {
  return infiniteQueryOptions({
    queryKey: ['orgs', orgId, 'deployments'],
    queryFn: ({ pageParam, signal }) =>
      apiClient.get(deploymentsPath(orgId), deploymentsPageSchema, { query: { limit: PAGE_SIZE, cursor: pageParam }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });
}

export function useDeployments(orgId: string) {
  return useInfiniteQuery(deploymentsQueryOptions(orgId));
}

export function deploymentQueryOptions(orgId: string, id: string) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'deployments', id],
    queryFn: ({ signal }) => apiClient.get(deploymentPath(orgId, id), deploymentSchema, { signal }),
  });
}

export function useDeployment(orgId: string, id: string, options?: { refetchInterval?: number | false }) {
  return useQuery({ ...deploymentQueryOptions(orgId, id), ...options });
}

export type CreateDeploymentRequest = {
  template: string;
  name: string;
  credential?: string | null;
  variables?: { [key: string]: unknown };
};
export type _CreateDeploymentRequestMatchesContract = Expect<
  Equals<Omit<CreateDeploymentRequest, 'variables'>, Omit<components['schemas']['CreateDeploymentRequest'], 'variables'>>
>;

export function useCreateDeployment(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateDeploymentRequest) => apiClient.post(deploymentsPath(orgId), body, deploymentSchema),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'deployments'] }),
  });
}

export type UpdateDeploymentRequest = {
  name?: string | null;
  /// A merge patch: a value replaces, null removes (back to the module's default).
  variables?: { [key: string]: unknown } | null;
};
export type _UpdateDeploymentRequestMatchesContract = Expect<
  Equals<Omit<UpdateDeploymentRequest, 'variables'>, Omit<components['schemas']['UpdateDeploymentRequest'], 'variables'>>
>;

export function useUpdateDeployment(orgId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateDeploymentRequest) =>
      apiClient.patch(deploymentPath(orgId, id), body, z.object({ deployment: deploymentSchema, run: runSchema.nullish() })),
    onSuccess: (result) => {
      queryClient.setQueryData(deploymentQueryOptions(orgId, id).queryKey, result.deployment);
      return queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'deployments'] });
    },
  });
}

export function useDeleteDeployment(orgId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiClient.delete(deploymentPath(orgId, id)),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: deploymentQueryOptions(orgId, id).queryKey });
      return queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'deployments'], exact: true });
    },
  });
}

// ---- a deployment's resources -----------------------------------------------------------------

/// The part of an inventory resource the deployment page shows (the inventory feature owns the
/// whole resource and its drawer, which the page links to).
export const deploymentResourceSchema = z.object({
  id: z.string(),
  name: z.string().nullish(),
  native_id: z.string(),
  type: z.enum(resourceTypeValues),
  provider: z.enum(providerValues),
  region: z.string(),
  state: z.enum(resourceStateValues),
});
export type DeploymentResource = z.infer<typeof deploymentResourceSchema>;
export type _DeploymentResourceMatchesContract = Expect<
  Equals<
    DeploymentResource,
    Pick<components['schemas']['ResourceView'], 'id' | 'name' | 'native_id' | 'type' | 'provider' | 'region' | 'state'>
  >
>;
const deploymentResourcesPageSchema = pageSchema(deploymentResourceSchema);

export function deploymentResourcesQueryOptions(orgId: string, deploymentId: string) {
  return infiniteQueryOptions({
    queryKey: ['orgs', orgId, 'deployments', deploymentId, 'resources'],
    queryFn: ({ pageParam, signal }) =>
      apiClient.get(`${deploymentPath(orgId, deploymentId)}/resources`, deploymentResourcesPageSchema, {
        query: { limit: PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });
}

export function useDeploymentResources(orgId: string, deploymentId: string) {
  return useInfiniteQuery(deploymentResourcesQueryOptions(orgId, deploymentId));
}

// ---- runs ------------------------------------------------------------------------------------

export const RUN_STATUSES = runStatusValues;
export const FINAL_STATUSES: readonly string[] = ['applied', 'errored', 'cancelled', 'discarded'];
export const isRunFinal = (status: string) => FINAL_STATUSES.includes(status);

export const planSummarySchema = z.object({
  add: z.array(z.string()),
  change: z.array(z.string()),
  destroy: z.array(z.string()),
});
export type PlanSummary = z.infer<typeof planSummarySchema>;
export type _PlanSummaryMatchesContract = Expect<Equals<PlanSummary, components['schemas']['PlanSummaryView']>>;

/// One variable that differs: before null when it was not set (the default), after null when it no longer is.
export const variableChangeSchema = z.object({
  name: z.string(),
  before: z.unknown().nullish(),
  after: z.unknown().nullish(),
});
export type VariableChange = z.infer<typeof variableChangeSchema>;
export type _VariableChangeMatchesContract = Expect<
  Equals<VariableChange['name'], components['schemas']['VariableChangeView']['name']>
>;

export const runSchema = z.object({
  id: z.string(),
  deployment_id: z.string(),
  kind: z.enum(runKindValues),
  status: z.enum(runStatusValues),
  timestamps: z.array(z.object({ status: z.enum(runStatusValues), at: timestampSchema })),
  plan: planSummarySchema.nullish(),
  /// the variables the plan was made with
  variables: z.record(z.string(), z.unknown()).nullish(),
  /// how they differ from the last applied run's
  variable_changes: z.array(variableChangeSchema).default([]),
  error: z.string().nullish(),
  /// why an errored run ended: build_failed, start_failed, executor_lost or phase_timeout
  error_reason: z.enum(runErrorReasonViewValues).nullish(),
  created_by: z.string(),
  approved_by: z.string().nullish(),
  created_at: timestampSchema,
});
export type Run = z.infer<typeof runSchema>;
export type _RunMatchesContract = Expect<
  Equals<Omit<Run, 'variables' | 'variable_changes'>, Omit<components['schemas']['RunView'], 'variables' | 'variable_changes'>>
>;
const runsPageSchema = pageSchema(runSchema);

/// While a run is under way its page polls as a fallback to the live socket.
export const RUN_POLL_MS = 3000;

export function runsQueryOptions(orgId: string, deploymentId: string) {
  return infiniteQueryOptions({
    queryKey: ['orgs', orgId, 'deployments', deploymentId, 'runs'],
    queryFn: ({ pageParam, signal }) =>
      apiClient.get(runsPath(orgId, deploymentId), runsPageSchema, { query: { limit: PAGE_SIZE, cursor: pageParam }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((run) => !isRunFinal(run.status))) ? RUN_POLL_MS : false,
  });
}

export function useRuns(orgId: string, deploymentId: string) {
  return useInfiniteQuery(runsQueryOptions(orgId, deploymentId));
}

export function runQueryOptions(orgId: string, deploymentId: string, runId: string) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'deployments', deploymentId, 'runs', runId],
    queryFn: ({ signal }) => apiClient.get(runPath(orgId, deploymentId, runId), runSchema, { signal }),
    refetchInterval: (query) => (query.state.data && isRunFinal(query.state.data.status) ? false : RUN_POLL_MS),
  });
}

export function useRun(orgId: string, deploymentId: string, runId: string) {
  return useQuery(runQueryOptions(orgId, deploymentId, runId));
}

export type CreateRunRequest = { kind?: components['schemas']['RunKind'] | null };
export type _CreateRunRequestMatchesContract = Expect<Equals<CreateRunRequest, components['schemas']['CreateRunRequest']>>;

export function useCreateRun(orgId: string, deploymentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (kind: 'plan_and_apply' | 'destroy') =>
      apiClient.post(runsPath(orgId, deploymentId), { kind } satisfies CreateRunRequest, runSchema),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'deployments', deploymentId] }),
  });
}

export type RunAction = 'approve' | 'cancel' | 'discard';

export function useRunAction(orgId: string, deploymentId: string, runId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: RunAction) => apiClient.post(`${runPath(orgId, deploymentId, runId)}/${action}`, {}, runSchema),
    onSuccess: (run) => {
      queryClient.setQueryData(runQueryOptions(orgId, deploymentId, runId).queryKey, run);
      return queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'deployments', deploymentId] });
    },
  });
}

/// Which actions the run's state allows (the server's state machine decides; this only hides
/// buttons that would be refused) and that the role may take (operators and up).
export function allowedRunActions(status: string, role: Role): RunAction[] {
  if (role === 'viewer') return [];
  switch (status) {
    case 'awaiting_approval':
      return ['approve', 'discard'];
    case 'queued':
    case 'planning':
    case 'applying':
      return ['cancel'];
    case 'planned':
      return ['discard'];
    default:
      return [];
  }
}

// ---- logs ------------------------------------------------------------------------------------

export const logLineSchema = z.object({ seq: z.number().int(), phase: z.enum(phaseValues), text: z.string() });
export type LogLine = z.infer<typeof logLineSchema>;
export type _LogLineMatchesContract = Expect<Equals<LogLine, components['schemas']['LogLineView']>>;
export const runLogSchema = z.object({ lines: z.array(logLineSchema), next_after: z.number().int() });
export type RunLog = z.infer<typeof runLogSchema>;
export type _RunLogMatchesContract = Expect<Equals<RunLog, components['schemas']['RunLogView']>>;

export function getRunLog(orgId: string, deploymentId: string, runId: string, after: number, signal?: AbortSignal) {
  return apiClient.get(`${runPath(orgId, deploymentId, runId)}/logs`, runLogSchema, { query: { after }, signal });
}

// ---- credentials to deploy with --------------------------------------------------------------

/// The part of a cloud account the create form needs (the cloud accounts feature owns the rest).
export const credentialChoiceSchema = z.object({ id: z.string(), provider: z.enum(providerValues), name: z.string() });
export type CredentialChoice = z.infer<typeof credentialChoiceSchema>;
export type _CredentialChoiceMatchesContract = Expect<
  Equals<CredentialChoice, Pick<components['schemas']['CredentialView'], 'id' | 'provider' | 'name'>>
>;

export function useCredentialChoices(orgId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['orgs', orgId, 'credentials', 'choices'],
    queryFn: ({ signal }) =>
      apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/credentials`, pageSchema(credentialChoiceSchema), {
        query: { limit: 100 },
        signal,
      }),
    enabled,
  });
}
