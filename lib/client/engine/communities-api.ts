// The community endpoints (api-communities), on top of the same typed `request` as the conversation endpoints.
import type { z } from 'zod';
import { OkResponse } from '../../protocol/api';
import {
  CommunityList,
  CommunityView,
  CreateCommunityRequest,
  CreateInviteRequest,
  CreateThreadRequest,
  DirectoryEntryInput,
  DirectoryResults,
  InviteMemberRequest,
  InviteList,
  InviteOpened,
  InviteView,
  RemoveCommunityMemberRequest,
  RotateCommunityRequest,
} from '../../protocol/api-communities';
import type { Request } from './docs-api';

export function createCommunitiesApi(request: Request) {
  const id = encodeURIComponent;
  const at = (communityId: string, rest = '') => `/api/communities/${id(communityId)}${rest}`;
  return {
    list: () => request('GET', '/api/communities', CommunityList),
    get: (communityId: string) => request('GET', at(communityId), CommunityView),
    create: (body: z.infer<typeof CreateCommunityRequest>) => request('POST', '/api/communities', CommunityView, body),
    createThread: (communityId: string, body: z.infer<typeof CreateThreadRequest>) => request('POST', at(communityId, '/threads'), CommunityView, body),
    remove: (communityId: string, body: z.infer<typeof RemoveCommunityMemberRequest>) => request('POST', at(communityId, '/remove'), CommunityView, body),
    leave: (communityId: string) => request('POST', at(communityId, '/leave'), OkResponse),
    rotate: (communityId: string, body: z.infer<typeof RotateCommunityRequest>) => request('POST', at(communityId, '/epochs'), CommunityView, body),
    createInvite: (communityId: string, body: z.infer<typeof CreateInviteRequest>) => request('POST', at(communityId, '/invites'), InviteView, body),
    listInvites: (communityId: string) => request('GET', at(communityId, '/invites'), InviteList),
    revokeInvite: (communityId: string, inviteId: string) => request('POST', at(communityId, `/invites/${id(inviteId)}/revoke`), InviteView),
    openInvite: (inviteId: string, proof: string) => request('POST', `/api/invites/${id(inviteId)}/open`, InviteOpened, { proof }),
    invite: (communityId: string, body: z.infer<typeof InviteMemberRequest>) => request('POST', at(communityId, '/members'), CommunityView, body),
    accept: (communityId: string) => request('POST', at(communityId, '/accept'), CommunityView),
    decline: (communityId: string) => request('POST', at(communityId, '/decline'), OkResponse),
    publish: (communityId: string, body: z.infer<typeof DirectoryEntryInput>) => request('PUT', at(communityId, '/directory'), CommunityView, body),
    unpublish: (communityId: string) => request('DELETE', at(communityId, '/directory'), CommunityView),
    searchDirectory: (query: string) => request('POST', '/api/directory/search', DirectoryResults, { query }),
    redeemInvite: (inviteId: string, body: { proof: string; keyEnvelope: string }) => request('POST', `/api/invites/${id(inviteId)}/redeem`, CommunityView, body),
  };
}

export type CommunitiesApi = ReturnType<typeof createCommunitiesApi>;
