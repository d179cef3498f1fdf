/** The app shell (placeholder while the pages are written). */
export function App() {
  return <main><h1>segflow</h1></main>;
}
