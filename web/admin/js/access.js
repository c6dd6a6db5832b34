// What the signed-in user's role lets the page offer. The server decides
// (its ent policies refuse anything else with FORBIDDEN); the page only
// leaves out the buttons that would certainly be refused.
//
//   admin   everything, users and tokens included
//   editor  edits the activities its municipalities and institutions take
//           part in, and creates, edits and deletes their follow-ups;
//           enters its municipalities' indicator values
//   viewer  reads

import { currentUser } from "./session.js";
import { gql } from "./gql.js";

/** isAdmin reports whether an admin is signed in. */
export const isAdmin = () => currentUser()?.role === "ADMIN";

/**
 * may reports whether the user may do action ("create", "update",
 * "delete") on typeName. For an editor, inScope says whether the activity
 * concerned (the one edited, or the one a follow-up belongs to) is in its
 * scope; see activityInScope.
 */
export function may(action, typeName, { inScope = false } = {}) {
  const u = currentUser();
  if (!u) return false;
  if (u.role === "ADMIN") return true;
  if (u.role !== "EDITOR") return false;
  if (typeName === "Activity") return action === "update" && inScope;
  if (typeName === "FollowUp") return inScope;
  // An editor enters the values of its scope's municipalities in the
  // values form (views/values.js); the server refuses any other.
  if (typeName === "IndicatorValue") return action === "enter";
  return false;
}

/**
 * activityInScope asks the server whether the user may edit the activity
 * (and add follow-ups to it): its viewerCanUpdate field evaluates the
 * server's own policy, so the rule lives in one place. It is false for
 * anonymous users and viewers without asking.
 */
export async function activityInScope(activityID) {
  const u = currentUser();
  if (!u || !activityID) return false;
  if (u.role === "ADMIN") return true;
  if (u.role !== "EDITOR") return false;
  const data = await gql(`query CanUpdate($id: ID!) { node(id: $id) { ... on Activity { viewerCanUpdate } } }`, { id: activityID });
  return Boolean(data.node?.viewerCanUpdate);
}
