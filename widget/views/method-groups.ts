import type { MethodView } from '../../server/api/widget-api.js';
import type { StringKey } from '../strings.js';

export type MethodCategory = MethodView['category'];

export interface MethodGroup {
  category: MethodCategory;
  /** The catalog key of the group's heading. */
  titleKey: StringKey;
  methods: MethodView[];
}

/** Above this many methods a flat list gets hard to scan; at or below it, headings only add noise. */
export const GROUPING_THRESHOLD = 6;

/** The fixed order of the groups, with each one's heading; a category absent from the list has no group. */
const GROUP_ORDER: readonly { category: MethodCategory; titleKey: StringKey }[] = [
  { category: 'card', titleKey: 'methodGroupCard' },
  { category: 'bank', titleKey: 'methodGroupBank' },
  { category: 'wallet', titleKey: 'methodGroupWallet' },
  { category: 'alternative', titleKey: 'methodGroupAlternative' },
];

/**
 * The methods in groups by category, or undefined when the list should stay flat: short lists,
 * and lists of one category (a single heading would say nothing). Inside a group the methods keep
 * the order the server sent; a category this element does not know falls into "other ways to pay".
 */
export function groupMethods(methods: readonly MethodView[]): MethodGroup[] | undefined {
  if (methods.length <= GROUPING_THRESHOLD) return undefined;
  const known = new Set(GROUP_ORDER.map((group) => group.category));
  const categoryOf = (method: MethodView): MethodCategory => (known.has(method.category) ? method.category : 'alternative');
  const groups = GROUP_ORDER.map(({ category, titleKey }) => ({
    category,
    titleKey,
    methods: methods.filter((method) => categoryOf(method) === category),
  })).filter((group) => group.methods.length > 0);
  return groups.length > 1 ? groups : undefined;
}
