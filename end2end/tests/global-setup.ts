import { broker, resetTestData } from './broker';

export default async function globalSetup() {
  broker('start');
  await resetTestData();
}
