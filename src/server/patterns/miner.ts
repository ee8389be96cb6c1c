import { createHash } from 'node:crypto';
import { hasPlaceholder, isPlaceholder, tokenize, WILDCARD } from './mask.ts';

/**
 * Online template mining in the manner of Drain (He et al., ICWS 2017), one parse tree per tenant
 * and source:
 *
 *   root ─ token count ─ first token ─ second token ─ leaf: the patterns of that shape
 *
 * A line walks down by its length and first `prefix_tokens` tokens (a token holding a value walks
 * the `<*>` branch, and so does any token once a node has `max_children`), then joins the most
 * similar pattern of the leaf if at least `similarity` of its positions agree; positions that
 * disagree become `<*>`. Otherwise it starts a new pattern.
 *
 * Invariants:
 * - A pattern's id never changes: it is a hash of the source and the first template. When a
 *   pattern generalises into the same template as another of its leaf, the two merge: the one
 *   with fewer lines is absorbed and its id resolves to the survivor from then on.
 * - Memory is bounded: at most `max_patterns` per tree (the least recently matched is evicted and
 *   counted) and at most `max_trees` trees (the least recently used tree goes whole).
 */
export interface MinerOptions {
  /** Share of the template's words (tokens that are not values) a line must have in place to join it. */
  readonly similarity: number;
  /** Tokens after the length layer that choose the branch. */
  readonly prefix_tokens: number;
  readonly max_children: number;
  readonly max_patterns: number;
  readonly max_trees: number;
}

export const DEFAULT_MINER_OPTIONS: MinerOptions = {
  similarity: 0.7,
  prefix_tokens: 2,
  max_children: 100,
  max_patterns: 1000,
  max_trees: 10_000,
};

interface Pattern {
  readonly id: string;
  tokens: string[];
  count: number;
  leaf: Pattern[];
}

interface Node {
  readonly children: Map<string, Node>;
  leaf?: Pattern[];
}

interface Tree {
  readonly key: string;
  readonly source: string;
  readonly root: Map<number, Node>;
  /** Insertion order is recency: a matched pattern is moved to the end, eviction takes the first. */
  readonly patterns: Map<string, Pattern>;
  /** Absorbed id → the id that absorbed it. */
  readonly aliases: Map<string, string>;
  /** The pattern matched last: already at the end of `patterns`. */
  recent: Pattern | undefined;
}

export interface MineResult {
  readonly id: string;
  /** Set when the template is new or changed, so callers need not join tokens on every line. */
  readonly template?: string;
  /** The line started a new pattern. */
  readonly created: boolean;
  /** The line made its pattern generalise (the template changed). */
  readonly changed: boolean;
  /** Set when generalising made this pattern absorb another one. */
  readonly absorbed?: string;
}

export interface MinerStats {
  trees: number;
  patterns: number;
  created: number;
  merged: number;
  evicted_patterns: number;
  evicted_trees: number;
}

function patternId(source: string, template: string, salt: number): string {
  const h = createHash('sha1').update(source).update('\u0000').update(template);
  if (salt > 0) h.update(`\u0000${salt}`);
  return h.digest('hex').slice(0, 12);
}

/** `key=…` against `key=…` with the same key: one field, whatever its values. */
function sameKey(a: string, b: string): boolean {
  const eq = a.indexOf('=');
  return eq > 0 && b.length > eq && b.charCodeAt(eq) === 61 && b.startsWith(a.substring(0, eq));
}

/** Two different tokens at one position: `<*>`, but `key=<*>` when both are `key=…`. */
function generalise(a: string, b: string): string {
  return sameKey(a, b) ? `${a.slice(0, a.indexOf('=') + 1)}${WILDCARD}` : WILDCARD;
}

export class TemplateMiner {
  readonly options: MinerOptions;
  private readonly trees = new Map<string, Tree>();
  private readonly counters = { created: 0, merged: 0, evicted_patterns: 0, evicted_trees: 0 };

  constructor(options: Partial<MinerOptions> = {}) {
    this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
  }

  private last?: { tenant: string; source: string; tree: Tree };

  private tree(tenant: string, source: string): Tree {
    // Lines come in runs of one tenant and source: the most recent tree needs no recency update.
    const last = this.last;
    if (last && last.tenant === tenant && last.source === source && this.trees.has(last.tree.key)) {
      return last.tree;
    }
    const key = `${tenant}\u0000${source}`;
    let tree = this.trees.get(key);
    if (tree) {
      // Recency for tree eviction, cheap enough to do on each line.
      this.trees.delete(key);
    } else {
      tree = { key, source, root: new Map(), patterns: new Map(), aliases: new Map(), recent: undefined };
      if (this.trees.size >= this.options.max_trees) {
        const oldest = this.trees.keys().next().value!;
        this.trees.delete(oldest);
        this.counters.evicted_trees++;
      }
    }
    this.trees.set(key, tree);
    this.last = { tenant, source, tree };
    return tree;
  }

  private leafOf(tree: Tree, tokens: readonly string[]): Pattern[] {
    let node: Node | undefined = tree.root.get(tokens.length);
    if (!node) {
      node = { children: new Map() };
      tree.root.set(tokens.length, node);
    }
    const depth = Math.min(this.options.prefix_tokens, tokens.length);
    for (let i = 0; i < depth; i++) {
      const token = tokens[i]!;
      let key = hasPlaceholder(token) ? WILDCARD : token;
      let next: Node | undefined = node.children.get(key);
      if (!next && key !== WILDCARD && node.children.size >= this.options.max_children) {
        key = WILDCARD;
        next = node.children.get(key);
      }
      if (!next) {
        next = { children: new Map() };
        node.children.set(key, next);
      }
      node = next;
    }
    node.leaf ??= [];
    return node.leaf;
  }

  /**
   * The best pattern of the leaf for these tokens, or undefined below the similarity threshold.
   * Similarity is the share of the pattern's words the line has in the same places (a `key=…`
   * agrees with the same key whatever its value). Positions where the pattern holds a value take
   * any token and do not count: were they counted as agreement, a message with many values and
   * few words would join a pattern it shares only its values with, and two messages that differ
   * in three words of eight would look alike.
   */
  private best(leaf: readonly Pattern[], tokens: readonly string[]): Pattern | undefined {
    let best: Pattern | undefined;
    let bestSim = -1;
    let bestParams = -1;
    for (const p of leaf) {
      let words = 0;
      let same = 0;
      const t = p.tokens;
      for (let i = 0; i < t.length; i++) {
        const a = t[i]!;
        if (isPlaceholder(a)) continue;
        words++;
        if (a === tokens[i] || sameKey(a, tokens[i]!)) same++;
      }
      const params = t.length - words;
      // A pattern of values only: the line must be values too.
      const sim = words > 0 ? same / words : tokens.filter(isPlaceholder).length / tokens.length;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = p;
        bestSim = sim;
        bestParams = params;
      }
    }
    return best && bestSim >= this.options.similarity ? best : undefined;
  }

  /** Mines one line: returns its pattern, creating or generalising one as needed. */
  mine(tenant: string, source: string, message: string): MineResult {
    let tokens = tokenize(message);
    if (tokens.length === 0) tokens = [''];
    const tree = this.tree(tenant, source);
    const leaf = this.leafOf(tree, tokens);
    const match = this.best(leaf, tokens);
    if (!match) return this.create(tree, leaf, tokens);

    match.count++;
    if (tree.recent !== match) {
      tree.patterns.delete(match.id);
      tree.patterns.set(match.id, match);
      tree.recent = match;
    }
    let changed = false;
    const t = match.tokens;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === WILDCARD || t[i] === tokens[i]) continue;
      const general = generalise(t[i]!, tokens[i]!);
      if (general !== t[i]) {
        t[i] = general;
        changed = true;
      }
    }
    if (!changed) return { id: match.id, created: false, changed };
    const template = t.join(' ');
    const twin = leaf.find((p) => p !== match && p.tokens.join(' ') === template);
    if (!twin) return { id: match.id, template, created: false, changed };
    const [survivor, absorbed] = twin.count > match.count ? [twin, match] : [match, twin];
    survivor.count += absorbed.count;
    this.remove(tree, absorbed);
    tree.aliases.set(absorbed.id, survivor.id);
    this.counters.merged++;
    return { id: survivor.id, template, created: false, changed, absorbed: absorbed.id };
  }

  private create(tree: Tree, leaf: Pattern[], tokens: string[]): MineResult {
    const template = tokens.join(' ');
    let salt = 0;
    let id = patternId(tree.source, template, salt);
    while (tree.patterns.has(id) || tree.aliases.has(id)) id = patternId(tree.source, template, ++salt);
    const pattern: Pattern = { id, tokens, count: 1, leaf };
    leaf.push(pattern);
    tree.patterns.set(id, pattern);
    tree.recent = pattern;
    this.counters.created++;
    if (tree.patterns.size > this.options.max_patterns) {
      this.remove(tree, tree.patterns.values().next().value!);
      this.counters.evicted_patterns++;
    }
    return { id, template, created: true, changed: false };
  }

  private remove(tree: Tree, pattern: Pattern): void {
    tree.patterns.delete(pattern.id);
    if (tree.recent === pattern) tree.recent = undefined;
    const at = pattern.leaf.indexOf(pattern);
    if (at >= 0) pattern.leaf.splice(at, 1);
    // Aliases of an evicted pattern would resolve to nothing; keep the map as small as the tree.
    if (tree.aliases.size > this.options.max_patterns) tree.aliases.delete(tree.aliases.keys().next().value!);
  }

  /** The id a (possibly absorbed) pattern id stands for now. */
  resolve(tenant: string, source: string, id: string): string {
    const aliases = this.trees.get(`${tenant}\u0000${source}`)?.aliases;
    let current = id;
    for (let hops = 0; hops < 16; hops++) {
      const next = aliases?.get(current);
      if (next === undefined) return current;
      current = next;
    }
    return current;
  }

  /** The current template of a pattern, undefined once it was evicted. */
  template(tenant: string, source: string, id: string): string | undefined {
    const tree = this.trees.get(`${tenant}\u0000${source}`);
    return tree?.patterns.get(this.resolve(tenant, source, id))?.tokens.join(' ');
  }

  /** Current patterns of one tree, most recently matched last. */
  patterns(tenant: string, source: string): Array<{ id: string; template: string; count: number }> {
    const tree = this.trees.get(`${tenant}\u0000${source}`);
    if (!tree) return [];
    return [...tree.patterns.values()].map((p) => ({
      id: p.id,
      template: p.tokens.join(' '),
      count: p.count,
    }));
  }

  stats(): MinerStats {
    let patterns = 0;
    for (const tree of this.trees.values()) patterns += tree.patterns.size;
    return { trees: this.trees.size, patterns, ...this.counters };
  }
}
