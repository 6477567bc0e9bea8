"""The customer-service annotations' operations (N1–N6), shared by the tests that call them."""

SET_REMARK = """mutation($c: String!, $t: String!) { setCustomerRemark(input: {customerId: $c, text: $t}) {
  profile { remark { text updatedBy history { text authorId } } remarkHistory { text authorId } }
  userErrors { code message field } } }"""
ORDER_REMARK = """mutation($id: ID!, $t: String!) { setOrderRemark(input: {orderId: $id, text: $t}) {
  order { id remark } userErrors { code field } } }"""
SALE_REMARK = """mutation($id: ID!, $t: String!) { addAfterSaleRemark(input: {claimId: $id, text: $t}) {
  claim { id afterSaleRemarks { text authorId at } } userErrors { code field } } }"""
STAR = """mutation($c: String!, $color: StarColor) { starCustomer(input: {customerId: $c, color: $color}) {
  star { customerId color starredAt } evicted { customerId } userErrors { code field } } }"""
UNSTAR = (
    """mutation($c: String!) { unstarCustomer(input: {customerId: $c}) { star { customerId } userErrors { code } } }"""
)
CLEAR = "mutation { clearStars { cleared userErrors { code } } }"
STARRED = """query($first: Int, $after: String) { starredCustomers(first: $first, after: $after) { totalCount
  edges { node { customerId color } } pageInfo { hasNextPage endCursor } } }"""
CONTACT = """mutation($c: String!, $agent: String, $at: DateTime) {
  recordContact(input: {customerId: $c, agentId: $agent,
  at: $at}) { contact { customerId lastContactAt star { color } } userErrors { code field } } }"""
RECENT = """query($first: Int, $after: String) { recentContacts(first: $first, after: $after) {
  edges { node { customerId star { color } lastContactAt } } pageInfo { hasNextPage endCursor } } }"""
SHORTCUT = """mutation($a: String!, $k: String!) { setShortcut(input: {action: $a, keys: $k}) {
  shortcut { action keys } userErrors { code message field } } }"""
