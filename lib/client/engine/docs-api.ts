// The conversation endpoints, on top of the API client's typed `request`.
import type { z } from 'zod';
import {
  AddMembersRequest,
  ConversationList,
  ConversationView,
  CreateConversationRequest,
  RemoveMemberRequest,
  RotateRequest,
} from '../../protocol/api-docs';
import { OkResponse, PublicProfile, TicketResponse } from '../../protocol/api';
import { BlockList, BlockView, PrivacySettings, UpdatePrivacyRequest, UserSummary } from '../../protocol/api-privacy';
import type { ClientResult } from '../client-errors';

export type Request = <S extends z.ZodType>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  schema: S,
  body?: unknown,
) => Promise<ClientResult<z.infer<S>>>;

export function createDocsApi(request: Request) {
  const id = encodeURIComponent;
  return {
    list: () => request('GET', '/api/conversations', ConversationList),
    get: (docId: string) => request('GET', `/api/conversations/${id(docId)}`, ConversationView),
    create: (body: CreateConversationRequest) => request('POST', '/api/conversations', ConversationView, body),
    addMembers: (docId: string, body: z.infer<typeof AddMembersRequest>) =>
      request('POST', `/api/conversations/${id(docId)}/members`, ConversationView, body),
    remove: (docId: string, body: z.infer<typeof RemoveMemberRequest>) =>
      request('POST', `/api/conversations/${id(docId)}/remove`, ConversationView, body),
    leave: (docId: string) => request('POST', `/api/conversations/${id(docId)}/leave`, OkResponse),
    rotate: (docId: string, body: z.infer<typeof RotateRequest>) =>
      request('POST', `/api/conversations/${id(docId)}/epochs`, ConversationView, body),
    user: (handle: string) => request('GET', `/api/users/${id(handle)}`, PublicProfile),
    /** Who an account id is, or that it was deleted (an author or former member). */
    userById: (accountId: string) => request('GET', `/api/users/by-id/${id(accountId)}`, UserSummary),
    ticket: () => request('POST', '/api/tickets', TicketResponse),
    // Message requests (for the recipient): accept moves it to the conversations, decline and block drop it.
    accept: (docId: string) => request('POST', `/api/conversations/${id(docId)}/accept`, ConversationView),
    decline: (docId: string) => request('POST', `/api/conversations/${id(docId)}/decline`, OkResponse),
    blockRequest: (docId: string) => request('POST', `/api/conversations/${id(docId)}/block`, OkResponse),
    privacy: () => request('GET', '/api/privacy', PrivacySettings),
    updatePrivacy: (body: z.infer<typeof UpdatePrivacyRequest>) => request('PUT', '/api/privacy', PrivacySettings, body),
    blocks: () => request('GET', '/api/blocks', BlockList),
    block: (accountId: string) => request('POST', `/api/blocks/${id(accountId)}`, BlockView),
    unblock: (accountId: string) => request('DELETE', `/api/blocks/${id(accountId)}`, OkResponse),
  };
}

export type DocsApi = ReturnType<typeof createDocsApi>;
