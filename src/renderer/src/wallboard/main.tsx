import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Wallboard } from './Wallboard';
import '../styles.css';

/*
 * The wallboard page (board.html): the team board for a TV, in any browser, served by the
 * sync-server at /board. It is not the app: no window.pounce, it signs in and listens by itself.
 */
const container = document.getElementById('root');
if (container === null) throw new Error('board.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <Wallboard />
  </StrictMode>,
);
