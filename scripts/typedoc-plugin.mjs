// A TypeDoc plugin (typedoc.json "plugin"): internal base classes stay out of the API reference.
// The socket classes extend internal bases (`class Dealer extends DealerWithOptions`, which holds
// the option accessors, over LoadBalancedSocket, over Socket); TypeDoc would name them in each
// class's hierarchy and in "Inherited from DealerWithOptions.bind". Here a class's undocumented
// base is replaced by the documented classes it leads to (Dealer extends Socket), the members
// then read as inherited from those, and what is inherited from nothing documented is not said.
import ts from "typescript";
import { Converter, DeclarationReflection, ReferenceType, ReflectionKind } from "typedoc";

/** The instance types of a class's or an interface's heritage clauses, by the clause's text. */
function heritageTypes(checker, symbol) {
  const bases = new Map();
  for (const decl of symbol.getDeclarations() ?? []) {
    if (!ts.isClassDeclaration(decl) && !ts.isInterfaceDeclaration(decl)) continue;
    for (const clause of decl.heritageClauses ?? []) {
      if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
      for (const expr of clause.types) bases.set(expr.expression.getText(), checker.getTypeAtLocation(expr));
    }
  }
  return bases;
}

/** The symbols of the nearest documented (or external) types a base type leads to. */
function nearestDocumented(checker, type, isDocumented) {
  const found = [];
  const seen = new Set();
  const visit = (t) => {
    if (seen.has(t)) return;
    seen.add(t);
    if (t.isIntersection()) {
      for (const part of t.types) visit(part);
      return;
    }
    const symbol = t.aliasSymbol ?? t.getSymbol();
    if (symbol && isDocumented(symbol)) {
      found.push(symbol);
      return;
    }
    if (symbol && symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
      for (const base of checker.getBaseTypes(checker.getDeclaredTypeOfSymbol(symbol)) ?? []) visit(base);
    }
  };
  visit(type);
  return found;
}

/** Whether a symbol is declared outside the project (the standard library, @types/node...). */
function isExternal(symbol) {
  return (symbol.getDeclarations() ?? []).every((d) => d.getSourceFile().fileName.includes("/node_modules/"));
}

export function load(app) {
  /** Each class or interface reflection: the checker and its symbol, while they are at hand. */
  const origins = new Map();
  /** The reflections whose hidden bases were replaced. */
  const rebased = new Set();

  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.ClassOrInterface)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    if (symbol) origins.set(reflection, { checker: context.checker, symbol });
  });

  // Before TypeDoc links the inherited members (at the end of resolution) and lists subclasses.
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const isDocumented = (symbol) => context.getReflectionFromSymbol(symbol) !== undefined || isExternal(symbol);
    for (const [reflection, { checker, symbol }] of origins) {
      const extended = reflection.extendedTypes;
      const hidden = extended?.filter((t) => t instanceof ReferenceType && !t.reflection && !t.externalUrl);
      if (!hidden?.length || hidden.every((t) => t.package !== context.project.packageName)) continue;
      const bases = heritageTypes(checker, symbol);
      const replaced = extended.filter((t) => !hidden.includes(t) || t.package !== context.project.packageName);
      for (const t of hidden) {
        if (t.package !== context.project.packageName) continue;
        const type = bases.get(t.name);
        for (const base of type ? nearestDocumented(checker, type, isDocumented) : []) {
          const ref = context.createSymbolReference(base, context, base.name);
          if (!replaced.some((r) => r instanceof ReferenceType && r.name === ref.name)) replaced.push(ref);
        }
      }
      if (replaced.length > 0) reflection.extendedTypes = replaced;
      else delete reflection.extendedTypes;
      rebased.add(reflection);
    }
    origins.clear();
  });

  // After TypeDoc linked the inherited members: a member reads as inherited from one of the
  // documented classes its class extends (the nearest that has it), and from nothing else.
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const project = context.project;
      /** The documented classes and interfaces a reflection extends, nearest first. */
      const ancestors = (reflection) => {
        const out = [];
        const queue = [reflection];
        while (queue.length > 0) {
          for (const t of queue.shift().extendedTypes ?? []) {
            const target = t instanceof ReferenceType ? t.reflection : undefined;
            if (target instanceof DeclarationReflection && !out.includes(target)) {
              out.push(target);
              queue.push(target);
            }
          }
        }
        return out;
      };
      const relink = (owner, key, name, chain, signature, rebasedHere) => {
        const ref = owner[key];
        if (!(ref instanceof ReferenceType)) return;
        const target = ref.reflection;
        const member = target?.kindOf(ReflectionKind.SomeSignature) ? target.parent : target;
        if (member && chain.includes(member.parent)) {
          ref.name = `${member.parent.name}.${member.name}`;
          return;
        }
        // Inherited from outside the project (Error's message): TypeDoc's own, unless rebased.
        if (!member && !rebasedHere && ref.package !== project.packageName) return;
        const from = chain.map((c) => c.getChildByName([name])).find((c) => c instanceof DeclarationReflection);
        const to = signature === undefined ? from : from?.getAllSignatures()[signature];
        if (to) owner[key] = ReferenceType.createResolvedReference(`${from.parent.name}.${from.name}`, to, project);
        else delete owner[key];
      };
      for (const reflection of Object.values(project.reflections)) {
        if (!(reflection instanceof DeclarationReflection) || !reflection.kindOf(ReflectionKind.ClassOrInterface)) {
          continue;
        }
        const chain = ancestors(reflection);
        const rebasedHere = rebased.has(reflection);
        for (const member of reflection.children ?? []) {
          for (const key of ["inheritedFrom", "overwrites"]) {
            relink(member, key, member.name, chain, undefined, rebasedHere);
            for (const [i, sig] of member.getAllSignatures().entries()) {
              relink(sig, key, member.name, chain, i, rebasedHere);
            }
          }
        }
      }
      rebased.clear();
    },
    -100,
  );
}
