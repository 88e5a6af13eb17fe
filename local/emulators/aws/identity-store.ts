import { IdentitystoreClient, ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { JsonService } from './json-service';
import { notFound } from './protocol';

type ExternalId = { Issuer: string; Id: string };

/** What SCIM knows of a user that moto's identity store cannot hold (moto has no ExternalIds or UpdateUser). */
export interface UserOverlay {
  ExternalIds?: ExternalId[];
  DisplayName?: string;
  Name?: { GivenName: string; FamilyName: string };
  Emails?: { Value: string; Type?: string; Primary?: boolean }[];
}

/** What SCIM knows of a group that moto cannot hold: its ExternalIds, and its name after a PATCH (moto has no UpdateGroup). */
export interface GroupOverlay {
  IdentityStoreId: string;
  DisplayName: string;
  ExternalIds?: ExternalId[];
}

export interface Overlays {
  readonly users: Map<string, UserOverlay>;
  readonly groups: Map<string, GroupOverlay>;
}

/** Called when the public API deletes or changes what SCIM also knows. */
export interface Forget {
  user(userId: string): void;
  group(groupId: string): void;
  membershipCreated(groupId: string, userId: string, membershipId: string): void;
  membershipDeleted(membershipId: string): void;
}

/**
 * The public identitystore API: moto answers, and users and groups that SCIM created or changed get
 * what SCIM wrote laid over moto's answer, so DescribeUser and DescribeGroup show them "created by
 * SCIM" (ExternalIds) as AWS does.
 */
export function identityStoreService(overlays: Overlays, forget: Forget, motoEndpoint: string): JsonService {
  const moto = (region: string) => new IdentitystoreClient({ endpoint: motoEndpoint, region, credentials: { accessKeyId: 'AKIAEMULATORGATEWAY', secretAccessKey: 'emulator' } });
  /** The membership of a user in a group, from moto's list (moto 5.2.1 has no GetGroupMembershipId). */
  const membershipOf = async (region: string, identityStoreId: string, groupId: string, userId: string) => {
    const client = moto(region);
    try {
      const { GroupMemberships = [] } = await client.send(new ListGroupMembershipsCommand({ IdentityStoreId: identityStoreId, GroupId: groupId }));
      return GroupMemberships.find((m) => m.MemberId?.UserId === userId);
    } finally {
      client.destroy();
    }
  };
  const decorateUser = (user: any) => ({ ...user, ...overlays.users.get(user.UserId) });
  const decorateGroup = (group: any) => {
    const { IdentityStoreId: _store, ...overlay } = overlays.groups.get(group.GroupId) ?? ({} as Partial<GroupOverlay>);
    return { ...group, ...overlay };
  };
  return {
    name: 'identitystore',
    targetPrefix: 'AWSIdentityStore',
    signingName: 'identitystore',
    jsonVersion: '1.1',
    consoleOnly: false,
    operations: {
      DescribeUser: async ({ forward }) => {
        const answer = await forward();
        return answer.ok ? decorateUser(answer.json()) : answer;
      },
      ListUsers: async ({ forward }) => {
        const answer = await forward();
        if (!answer.ok) return answer;
        const listed = answer.json();
        return { ...listed, Users: (listed.Users as any[]).map(decorateUser) };
      },
      DeleteUser: async ({ body, forward }) => {
        const answer = await forward();
        if (answer.ok) {
          overlays.users.delete(body.UserId);
          forget.user(body.UserId);
        }
        return answer;
      },
      DescribeGroup: async ({ forward }) => {
        const answer = await forward();
        return answer.ok ? decorateGroup(answer.json()) : answer;
      },
      ListGroups: async ({ forward }) => {
        const answer = await forward();
        if (!answer.ok) return answer;
        const listed = answer.json();
        return { ...listed, Groups: (listed.Groups as any[]).map(decorateGroup) };
      },
      GetGroupId: async ({ body, forward }) => {
        const found = groupIdByOverlay(overlays.groups, body.IdentityStoreId, body.AlternateIdentifier ?? {});
        if (found) return { GroupId: found, IdentityStoreId: body.IdentityStoreId };
        // moto 5.2.1 GetGroupId: "The ExternalId alternate identifier is not yet implemented".
        if (body.AlternateIdentifier?.ExternalId) throw notFound('GROUP not found.');
        const answer = await forward();
        // A group SCIM renamed keeps its old name in moto: that name no longer finds it.
        if (answer.ok && overlays.groups.has(answer.json().GroupId)) throw notFound('GROUP not found.');
        return answer;
      },
      // identitystore API reference, GetGroupMembershipId: the MembershipId of a member in a group; ResourceNotFoundException when it is not one.
      GetGroupMembershipId: async ({ body, scope }) => {
        const membership = await membershipOf(scope.region, body.IdentityStoreId, body.GroupId, body.MemberId?.UserId);
        if (!membership) throw notFound('GROUP_MEMBERSHIP not found.');
        return { MembershipId: membership.MembershipId, IdentityStoreId: body.IdentityStoreId };
      },
      CreateGroupMembership: async ({ body, forward }) => {
        const answer = await forward();
        if (answer.ok) forget.membershipCreated(body.GroupId, body.MemberId?.UserId, answer.json().MembershipId);
        return answer;
      },
      DeleteGroupMembership: async ({ body, forward }) => {
        const answer = await forward();
        if (answer.ok) forget.membershipDeleted(body.MembershipId);
        return answer;
      },
      DeleteGroup: async ({ body, forward }) => {
        const answer = await forward();
        if (answer.ok) {
          overlays.groups.delete(body.GroupId);
          forget.group(body.GroupId);
        }
        return answer;
      },
    },
  };
}

/**
 * identitystore API reference, GetGroupId: a group by AlternateIdentifier, either ExternalId {Issuer,
 * Id} or UniqueAttribute {AttributePath: "displayName", AttributeValue}; among the groups SCIM wrote.
 */
function groupIdByOverlay(groups: Map<string, GroupOverlay>, identityStoreId: string, identifier: { ExternalId?: ExternalId; UniqueAttribute?: { AttributePath: string; AttributeValue: string } }): string | undefined {
  const { ExternalId: external, UniqueAttribute: unique } = identifier;
  const matches = (group: GroupOverlay) =>
    external
      ? (group.ExternalIds ?? []).some((e) => e.Issuer === external.Issuer && e.Id === external.Id)
      : unique?.AttributePath.toLowerCase() === 'displayname' && group.DisplayName === unique.AttributeValue;
  return [...groups].find(([, group]) => group.IdentityStoreId === identityStoreId && matches(group))?.[0];
}

