import OpenAI, { AzureOpenAI } from "openai";
import { getBearerTokenProvider } from "@azure/identity";
import type { Services } from "../app/services";

/** Time limit of one chat completion request. */
export const LLM_TIMEOUT_MS = 60_000;

/** Token scope of Azure OpenAI for keyless (Entra ID) access. */
const AZURE_OPENAI_SCOPE = "https://cognitiveservices.azure.com/.default";

export class LlmNotConfiguredError extends Error {
  override name = "LlmNotConfiguredError";
}

export interface ChatClient {
  client: OpenAI;
  /** Model name sent with each request: the Azure deployment, or the configured model. */
  model: string;
  /** `azure-openai:<deployment>` or `openai-compatible:<model>`, for the assessment's analyst field. */
  label: string;
}

let fetchOverride: typeof fetch | undefined;

/** Sets the fetch function of chat clients created afterwards; tests use it to reach an https fake. */
export function setLlmFetch(fetchFunction: typeof fetch | undefined): void {
  fetchOverride = fetchFunction;
}

function create(services: Services): ChatClient {
  const llm = services.settings.llm;
  const common = { maxRetries: 1, timeout: LLM_TIMEOUT_MS, ...(fetchOverride ? { fetch: fetchOverride } : {}) };

  if (llm.provider === "azure-openai") {
    if (!llm.azureEndpoint || !llm.azureDeployment) {
      throw new LlmNotConfiguredError("Azure OpenAI needs AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT.");
    }
    const credential = services.azureCredential;
    if (!llm.apiKey && !credential) {
      throw new LlmNotConfiguredError("Azure OpenAI needs AZURE_OPENAI_API_KEY, or an Azure credential (AZURE_CLIENT_ID or AZURE_CREDENTIAL) for keyless access.");
    }
    const auth = llm.apiKey ? { apiKey: llm.apiKey } : { azureADTokenProvider: getBearerTokenProvider(credential!, AZURE_OPENAI_SCOPE) };
    const client = new AzureOpenAI({
      endpoint: llm.azureEndpoint,
      deployment: llm.azureDeployment,
      apiVersion: llm.azureApiVersion,
      ...auth,
      ...common,
    });
    return { client, model: llm.azureDeployment, label: `azure-openai:${llm.azureDeployment}` };
  }

  if (llm.provider === "openai-compatible") {
    if (!llm.baseUrl || !llm.model) throw new LlmNotConfiguredError("An OpenAI-compatible endpoint needs OPENAI_BASE_URL and OPENAI_MODEL.");
    // Local servers (Ollama, vLLM) often need no key, but the client requires one.
    const client = new OpenAI({ baseURL: llm.baseUrl, apiKey: llm.apiKey ?? "no-key", ...common });
    return { client, model: llm.model, label: `openai-compatible:${llm.model}` };
  }

  throw new LlmNotConfiguredError("No LLM provider is configured.");
}

/** Returns the chat client, built once per app. Throws `LlmNotConfiguredError` when settings are incomplete. */
export function chatClient(services: Services): ChatClient {
  return services.memo("analysis.chatClient", () => create(services));
}
