/** The sample relying party (examples/sample-service), registered in `namespaceName` and started on a free port. */
import { application } from './directory.js';
import { freePort, type TestServer } from './server.js';

export interface SampleService {
  url: string;
  close(): Promise<void>;
}

export async function startSample(tp: TestServer, namespaceName: string): Promise<SampleService> {
  const port = await freePort();
  const sampleUrl = `http://127.0.0.1:${port}`;
  const app = await application(tp, {
    namespace: namespaceName,
    name: 'Sample Service',
    redirectUris: [`${sampleUrl}/callback`],
    logoutUrl: `${sampleUrl}/`,
    // Where an onboarding (issue 18) sends a person who signed up from the sample's sign-in page.
    homepageUrl: `${sampleUrl}/`,
  });
  // @ts-expect-error: the sample is plain JavaScript without type declarations.
  const mod = (await import('../../examples/sample-service/server.js')) as {
    startSampleService(o: Record<string, unknown>): Promise<SampleService>;
  };
  return mod.startSampleService({
    issuer: tp.issuer,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    port,
    host: '127.0.0.1',
    publicUrl: sampleUrl,
  });
}
