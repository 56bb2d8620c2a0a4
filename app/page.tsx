import { WelcomeScreen } from './welcome-screen';

export default function WelcomePage() {
  return <WelcomeScreen />;
}
