//! `POST /v1/auth/logout`: ends the session on the server and forgets it here.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient, type RefreshRequest } from '@/lib/api-client';
import { clearSession, getRefreshToken } from '@/lib/session';

export async function logout(): Promise<void> {
  const refreshToken = getRefreshToken();
  try {
    if (refreshToken !== null) {
      const body: RefreshRequest = { refresh_token: refreshToken };
      await apiClient.postNoContent('/v1/auth/logout', body, { auth: false });
    }
  } finally {
    // Logged out locally even if the server could not be reached; the refresh token then
    // simply expires.
    clearSession();
  }
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => queryClient.clear(),
  });
}
