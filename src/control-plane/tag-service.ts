// TagResource / UntagResource / ListTags on a function's ARN
// (https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html). Tags belong to the
// function, not to a version, so a qualified ARN is refused; they do not change the RevisionId.
import { errors } from '../errors/lambda-error.js';
import type { FunctionStore } from '../storage/ports.js';
import { ConstraintViolations } from './constraint-violations.js';
import { functionArn, parseFunctionName, type Account } from './function-name.js';
import { LATEST, type FunctionRecord } from './function-record.js';
import { checkHearthTags, touchesHearthTags } from './hearth-tags.js';
import { checkTags } from './tag-rules.js';

// The model's `TaggableResource` shape.
const TAGGABLE_RESOURCE_PATTERN =
  'arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)';

export interface TagServiceDeps {
  readonly store: FunctionStore;
  readonly account: Account;
  /** Called when a `hearth:` tag changed: the function's sandboxes must pick up the new settings. */
  readonly onChanged?: (functionName: string) => void;
}

export class TagService {
  constructor(private readonly deps: TagServiceDeps) {}

  async list(resource: string): Promise<Record<string, string>> {
    const name = this.functionName(resource);
    return { ...(await this.current(name)).tags };
  }

  async tag(resource: string, tags: Readonly<Record<string, string>> | undefined): Promise<void> {
    const v = new ConstraintViolations();
    v.required(tags, 'tags');
    v.throwIfAny();
    const name = this.functionName(resource);
    const record = await this.current(name);
    const merged = { ...record.tags, ...tags };
    checkTags(merged);
    checkHearthTags(merged, record.memorySize);
    await this.save(name, merged);
    if (touchesHearthTags(Object.keys(tags ?? {}))) this.deps.onChanged?.(name);
  }

  async untag(resource: string, tagKeys: readonly string[]): Promise<void> {
    const v = new ConstraintViolations();
    if (tagKeys.length === 0) v.required(undefined, 'tagKeys');
    v.throwIfAny();
    const name = this.functionName(resource);
    const remaining = { ...(await this.current(name)).tags };
    for (const key of tagKeys) delete remaining[key];
    await this.save(name, remaining);
    if (touchesHearthTags(tagKeys)) this.deps.onChanged?.(name);
  }

  /** Checks the ARN and returns the function name it designates. */
  private functionName(resource: string): string {
    const v = new ConstraintViolations();
    v.length(resource, 'resource', 1, 256);
    v.pattern(resource, 'resource', TAGGABLE_RESOURCE_PATTERN);
    v.throwIfAny();
    if (!/:function:/.test(resource)) {
      throw errors.invalidParameter(`Hearth supports tags on functions only: ${resource}`);
    }
    const ref = parseFunctionName(resource, undefined, this.deps.account, 256);
    if (ref.qualifier !== undefined) {
      throw errors.invalidParameter(
        'Tags on function aliases and versions are not supported. Please specify a function ARN.',
      );
    }
    return ref.name;
  }

  private async current(name: string): Promise<FunctionRecord> {
    const record = await this.deps.store.get(name, LATEST);
    if (!record) throw errors.functionNotFound(functionArn(this.deps.account, name));
    return record;
  }

  private async save(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    if (!(await this.deps.store.setTags(name, tags)))
      throw errors.functionNotFound(functionArn(this.deps.account, name));
  }
}
