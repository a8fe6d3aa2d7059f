//! Cloud providers, resource types and states as the API names them, with display labels.
import { providerValues, resourceStateValues, resourceTypeValues, type components } from './api-schema';

/// The contract's lists (generated from web/openapi.json by `npm run gen:api`).
export const PROVIDERS = providerValues;
export type Provider = components['schemas']['Provider'];

const PROVIDER_LABELS: Record<string, string> = { aws: 'AWS', azure: 'Azure', gcp: 'GCP' };

export function providerLabel(provider: string | null | undefined): string {
  if (!provider) return 'Unknown';
  return PROVIDER_LABELS[provider] ?? provider;
}

/// A colour per provider for charts (distinct in hue and lightness, so the stack reads in greyscale too).
const PROVIDER_COLORS: Record<string, string> = { aws: '#f59e0b', azure: '#2563eb', gcp: '#16a34a' };

export function providerColor(provider: string): string {
  return PROVIDER_COLORS[provider] ?? '#71717a';
}

export const RESOURCE_TYPES = resourceTypeValues;

const TYPE_LABELS: Record<string, string> = {
  vm: 'VM',
  disk: 'Disk',
  network: 'Network',
  subnet: 'Subnet',
  public_ip: 'Public IP',
  bucket: 'Bucket',
  firewall: 'Firewall',
};

export function resourceTypeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

export const RESOURCE_STATES = resourceStateValues;

export function resourceStateLabel(state: string): string {
  return state === 'in_use' ? 'In use' : state.charAt(0).toUpperCase() + state.slice(1);
}

export function resourceStateTone(state: string): 'success' | 'warning' | 'danger' | 'neutral' | 'accent' {
  switch (state) {
    case 'running':
    case 'available':
    case 'in_use':
      return 'success';
    case 'pending':
    case 'stopping':
      return 'accent';
    case 'stopped':
      return 'warning';
    case 'error':
      return 'danger';
    default:
      return 'neutral';
  }
}
