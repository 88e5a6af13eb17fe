import { JsonService } from './json-service';

/** What SCIM knows of a user that moto's identity store cannot hold (moto has no ExternalIds or UpdateUser). */
export interface UserOverlay {
  ExternalIds?: { Issuer: string; Id: string }[];
  DisplayName?: string;
  Name?: { GivenName: string; FamilyName: string };
  Emails?: { Value: string; Type?: string; Primary?: boolean }[];
}

/**
 * The public identitystore API: moto answers, and users that SCIM created or changed get what
 * SCIM wrote laid over moto's answer, so DescribeUser shows them "created by SCIM" as AWS does.
 */
export function identityStoreService(overlays: Map<string, UserOverlay>, onUserDeleted: (userId: string) => void): JsonService {
  const decorate = (user: any) => ({ ...user, ...overlays.get(user.UserId) });
  return {
    name: 'identitystore',
    targetPrefix: 'AWSIdentityStore',
    signingName: 'identitystore',
    jsonVersion: '1.1',
    consoleOnly: false,
    operations: {
      DescribeUser: async ({ forward }) => {
        const answer = await forward();
        return answer.ok ? decorate(answer.json()) : answer;
      },
      ListUsers: async ({ forward }) => {
        const answer = await forward();
        if (!answer.ok) return answer;
        const listed = answer.json();
        return { ...listed, Users: (listed.Users as any[]).map(decorate) };
      },
      DeleteUser: async ({ body, forward }) => {
        const answer = await forward();
        if (answer.ok) {
          overlays.delete(body.UserId);
          onUserDeleted(body.UserId);
        }
        return answer;
      },
    },
  };
}
