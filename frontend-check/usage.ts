// How a screen uses the generated types. If a schema change breaks what a screen relies on, this stops compiling.
import type {
  CheckoutQuoteQuery,
  EventFeedQuery,
  ClaimTrackingQuery,
  MyWalletQuery,
  StarCustomerMutation,
  SubmitClaimMutationVariables,
} from "./generated/graphql";

export function refundedLabel(data: ClaimTrackingQuery): string | null {
  const claim = data.claim;
  if (!claim) return null;
  const amount: string = claim.refunded.amount; // Decimal arrives as a string: no float rounding
  const submittedAt: string = claim.submittedAt; // DateTime is ISO 8601 text
  return `${amount} ${claim.refunded.currency} (claim of ${submittedAt}, ${claim.status})`;
}

export function payable(data: CheckoutQuoteQuery): string {
  return data.checkoutQuote.payable.amount;
}

export function couponNames(data: MyWalletQuery): string[] {
  return data.wallet.coupons.edges.map((edge) => edge.node.template.name);
}

export function evictedCustomer(data: StarCustomerMutation): string | undefined {
  return data.starCustomer.evicted?.customerId;
}

export const submission: SubmitClaimMutationVariables = {
  input: {
    orderLineId: "T3JkZXJMaW5lOjE",
    reason: "DAMAGED",
    damagedQuantity: "1.5",
    evidence: [{ kind: "DAMAGE_DETAIL", uploadId: "upload-id" }],
  },
};

// E9: an event's payload is a union; narrowing on __typename gives each family's typed facts.
export function eventLines(data: EventFeedQuery): string[] {
  return data.events.edges.map(({ node }) => {
    const payload = node.payload;
    switch (payload.__typename) {
      case "ClaimEventPayload":
        return `${node.type} ${payload.claimStatus} refund ${payload.refund?.amount ?? "-"}`;
      case "LedgerEventPayload": {
        const signed: string = payload.amount.amount; // Money, not a JSON string to parse
        return `${payload.kind} ${signed}`;
      }
      default:
        return node.type;
    }
  });
}
